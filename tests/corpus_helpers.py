"""Shared bits of the corpus tests: fixture paths, running `claimtrace corpus`, reading a corpus."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.paths import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
BUNDLED = REPO_ROOT / "corpus"
OWN_ARTICLES = sorted((BUNDLED / "articles").glob("*.txt"))
runner = CliRunner()


def corpus_cli(*args: str, corpus: Path | None = None, cache: Path | None = None):
    """Run ``claimtrace corpus ARGS`` in-process; returns the click Result."""
    extra = ["--corpus", str(corpus)] if corpus else []
    extra += ["--cache", str(cache)] if cache else []
    return runner.invoke(app, ["corpus", *args, *extra], catch_exceptions=False)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path
