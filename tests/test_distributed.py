"""Worker processes and a real Dask LocalCluster give the same records as the in-process run,
in input order; a killed worker costs a retry, not the job; no scratch folder is left."""

import json
import subprocess
import sys
import tempfile
import time

import psutil
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.output import partial_paths

TEXTS = [
    "“We will rebuild the bridge by spring,” said Mayor Ann Lee.",
    "Finance Minister Carla Ruiz said that taxes would rise next year.",
    "According to the Health Ministry, the outbreak has peaked in the north.",
    "Several economists agree that inflation will slow next year.",
    "",
]


def _records(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def batch(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(TEXTS)),
        encoding="utf-8",
    )
    return src


@pytest.mark.dask
@pytest.mark.slow
def test_workers_and_local_cluster_match_single_process(tmp_path, batch, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where Dask's scratch must go
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    runs = {
        "local": [],
        "processes": ["--workers", "2"],
        "dask": ["--dask", "local", "--workers", "2"],
    }
    outputs = {}
    for name, extra in runs.items():
        out = tmp_path / f"{name}.jsonl"
        result = runner.invoke(
            app, ["annotate", str(batch), "-o", str(out), "--batch-size", "2", *extra]
        )
        assert result.exit_code == 1, result.output  # the empty text is an error record
        outputs[name] = out.read_bytes()
    assert outputs["local"] == outputs["processes"] == outputs["dask"]
    records = _records(tmp_path / "dask.jsonl")
    assert [r["id"] for r in records] == [f"a{i}" for i in range(len(TEXTS))]
    assert records[-1]["error"]["code"] == "E001"
    assert list(scratch.iterdir()) == []  # no scratch folders left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dask.jsonl", "in.jsonl", "local.jsonl", "processes.jsonl", "tmp"]


def _busy_worker(cli: psutil.Process) -> psutil.Process | None:
    """A worker process of the run (Dask's or --workers', a child of the CLI process, not the
    resource tracker), preferring one that is using the CPU."""
    workers = [p for p in cli.children(recursive=True)
               if "spawn_main" in " ".join(p.cmdline())]
    for p in workers:
        p.cpu_percent(None)
    time.sleep(0.3)
    return max(workers, key=lambda p: p.cpu_percent(None), default=None)


@pytest.mark.slow
@pytest.mark.parametrize("engine", [
    pytest.param(["--dask", "local", "--workers", "2"], marks=pytest.mark.dask, id="dask"),
    pytest.param(["--workers", "2"], id="processes"),
])
def test_killed_worker_costs_a_retry_not_the_job(tmp_path, engine):
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(24):
            f.write(json.dumps({"id": f"k{i:02d}", "text": " ".join(TEXTS[j % 4] for j in
                                                                    range(i, i + 6))}) + "\n")
    reference = tmp_path / "reference.jsonl"
    base = [sys.executable, "-m", "pipeline.cli", "annotate", "in.jsonl", "--batch-size", "1"]
    done = subprocess.run([*base, "-o", reference.name], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*base, "-o", out.name, *engine],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    index = partial_paths(out)[1]
    killed = None
    deadline = time.monotonic() + 600
    while killed is None and proc.poll() is None:
        assert time.monotonic() < deadline
        if index.exists() and index.read_bytes().count(b"\n") >= 3:  # 2 chunks done, 22 to go
            worker = _busy_worker(psutil.Process(proc.pid))
            if worker is not None:
                worker.kill()
                killed = worker.pid
        time.sleep(0.1)
    _, stderr = proc.communicate(timeout=600)
    assert killed is not None, "the run finished before a worker could be killed"
    assert proc.returncode == 0, stderr  # no E016: the chunk was simply run again
    assert out.read_bytes() == reference.read_bytes()


def _worker_settings() -> tuple:
    import os

    import dask

    return (dask.config.get("distributed.worker.profile.enabled"),
            os.environ.get("MALLOC_TRIM_THRESHOLD_"))


@pytest.mark.dask
@pytest.mark.slow
def test_local_cluster_workers_run_without_the_profiler_and_memory_trimming():
    """The settings that make a LocalCluster as fast as --workers reach its worker processes
    (both cost about 10 % of the run's time on 2 cores)."""
    from pipeline.annotate import RunSpec
    from pipeline.distributed import DaskEngine
    from pipeline.paths import resolve

    engine = DaskEngine(RunSpec(config=str(resolve("configs/default.cfg")),
                                exclude=("stance",)), "local", workers=2)
    try:
        engine.start()
        answers = engine.client.run(_worker_settings)
    finally:
        engine.close()
    assert len(answers) == 2
    assert set(answers.values()) == {(False, None)}
