"""A real Dask LocalCluster gives the same records as the in-process run, in input order."""

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

TEXTS = [
    "“We will rebuild the bridge by spring,” said Mayor Ann Lee.",
    "Finance Minister Carla Ruiz said that taxes would rise next year.",
    "According to the Health Ministry, the outbreak has peaked in the north.",
    "Several economists agree that inflation will slow next year.",
    "",
]


@pytest.mark.dask
@pytest.mark.slow
def test_local_cluster_matches_single_process(tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", str(tmp_path / "dask"))
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(TEXTS)),
        encoding="utf-8",
    )
    runner = CliRunner()
    local = runner.invoke(app, ["annotate", str(src), "-o", str(tmp_path / "local.jsonl")])
    dask = runner.invoke(
        app,
        [
            "annotate",
            str(src),
            "-o",
            str(tmp_path / "dask.jsonl"),
            "--dask",
            "local",
            "--workers",
            "2",
            "--batch-size",
            "2",
        ],
    )
    assert local.exit_code == dask.exit_code == 1  # the empty text is an error record
    a = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text().splitlines()]
    b = [json.loads(x) for x in (tmp_path / "dask.jsonl").read_text().splitlines()]
    assert [r["id"] for r in b] == [f"a{i}" for i in range(len(TEXTS))]
    assert a == b
    assert b[-1]["error"]["code"] == "E001"
