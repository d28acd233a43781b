"""Records made by the real pipeline (spaCy model + stance transformer) for the report tests,
annotated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.paths import REPO_ROOT

TARGETS = ["The bridge should reopen soon", "Fishing should be restricted"]


@pytest.fixture(scope="session")
def real_records(nlp) -> list[dict]:
    """corpus/articles annotated with two stance targets, as `claimtrace annotate` does."""
    from pipeline.annotate import annotate
    from pipeline.inputs import read_inputs

    items = list(read_inputs([str(REPO_ROOT / "corpus" / "articles")]))
    records = list(annotate(nlp, items, TARGETS, batch_size=4))
    assert records and not any("error" in r for r in records)
    return records


@pytest.fixture(scope="session")
def real_file(real_records, tmp_path_factory) -> Path:
    from .records import write_jsonl

    return write_jsonl(tmp_path_factory.mktemp("real") / "annotated.jsonl", real_records)
