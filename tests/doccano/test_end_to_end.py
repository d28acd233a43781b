"""The real pipeline's output survives push and pull unchanged (annotate -> push -> pull)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.doccano.cli import app
from pipeline.doccano.mapping import strip_review
from pipeline.paths import REPO_ROOT

pytestmark = pytest.mark.doccano

ARTICLE = (
    "“We will not back down,” said Maria O’Neil, the union’s spokesperson 😀. She added "
    "that the strike continues.\n\nAccording to the council, taxes will rise. “Nobody "
    "leaves,” Tom Baker, a professor at Foo University, said on Monday.\n"
)


def test_annotate_push_pull(doccano_server, project_name, tmp_path: Path) -> None:
    article = tmp_path / "strike.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    annotated = tmp_path / "annotated.jsonl"
    claimtrace = Path(sys.executable).parent / "claimtrace"
    run = subprocess.run(
        [str(claimtrace), "annotate", str(article), "-o", str(annotated), "--target", "the strike"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    records = [json.loads(line) for line in annotated.read_text(encoding="utf-8").splitlines()]
    assert records and records[0]["quotes"], "the pipeline found no quotes in the test article"
    where = [
        "--project",
        project_name,
        "--port",
        str(doccano_server.cfg.port),
        "--data-dir",
        str(doccano_server.cfg.data_dir),
    ]
    pushed = CliRunner().invoke(app, ["push", str(annotated), *where])
    assert pushed.exit_code == 0, pushed.output
    gold = tmp_path / "gold.jsonl"
    pulled = CliRunner().invoke(app, ["pull", "--all", "-o", str(gold), *where])
    assert pulled.exit_code == 0, pulled.output
    back = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [strip_review(r) for r in back] == records
