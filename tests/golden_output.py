"""Golden output: the JSONL the pipeline gives on fixed articles, pinned so that a refactor can
prove it changed nothing (not a test module; ``tests/test_golden.py`` compares, this file makes).

Sets: the bundled articles (``corpus/articles``, stored whole), a fixed sample of PolNeAR dev and
the seed article (``../shared``: stored as offsets, labels and hashes only, never their text).
Stance is off (the stance model is retrained independently; ``test_stance_wiring`` covers it).
Provenance fields that change legitimately (version, config hash, stance model) are dropped.

Rewrite after an intended change, and say so in the commit:
    .venv/bin/python tests/golden_output.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.paths import REPO_ROOT, SHARED_DIR  # noqa: E402

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
POLNEAR_DEV = SHARED_DIR / "data" / "polnear" / "dev" / "text"
SEED = SHARED_DIR / "seed" / "article.txt"
VOLATILE_PROVENANCE = ("version", "config_hash", "stance_model")
# Keys whose string values are copied text (hashed for the sets that must not store text).
TEXT_KEYS = {"text", "name", "affiliations"}


def polnear_sample() -> list[Path]:
    """15 dev articles spread over the sorted list (every 5th), fixed by name."""
    return sorted(POLNEAR_DEV.glob("*.txt"))[::5][:15]


def sets() -> dict[str, list[Path]]:
    """Golden set name -> the article files it covers."""
    return {
        "bundled": sorted((REPO_ROOT / "corpus" / "articles").glob("*.txt")),
        "polnear_dev_sample": polnear_sample(),
        "seed": [SEED],
    }


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without the provenance fields that may change between versions."""
    out = dict(record)
    out["provenance"] = {
        k: v for k, v in record.get("provenance", {}).items() if k not in VOLATILE_PROVENANCE
    }
    out["meta"] = {"source": Path(record.get("meta", {}).get("source", "")).name}
    return out


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def without_text(value: Any, key: str = "") -> Any:
    """Replace every copied piece of text by a short hash; offsets, labels and ids stay."""
    if isinstance(value, dict):
        return {k: without_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [without_text(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return _digest(value)
    return value


def records_for(nlp, paths: list[Path]) -> list[dict[str, Any]]:
    """Annotate ``paths`` as ``claimtrace annotate`` does, stance off, comparable records."""
    from pipeline.annotate import annotate
    from pipeline.inputs import Article

    articles = [
        Article(id=p.stem, text=p.read_text(encoding="utf-8"), meta={"source": str(p)},
                source=str(p))
        for p in paths
    ]
    disabled = [name for name in ("stance",) if name in nlp.pipe_names]
    with nlp.select_pipes(disable=disabled):
        return [comparable(r) for r in annotate(nlp, articles, batch_size=4)]


def stored_form(name: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the repository keeps: bundled articles whole, the rest without text."""
    return records if name == "bundled" else [without_text(r) for r in records]


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.jsonl"


def read_golden(name: str) -> list[dict[str, Any]]:
    lines = golden_path(name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_golden(nlp) -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    for name, paths in sets().items():
        rows = stored_form(name, records_for(nlp, paths))
        with golden_path(name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{name}: {len(rows)} records -> {golden_path(name)}")


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: tests/golden_output.py --write   (rewrites tests/golden/*.jsonl)")
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pipeline.build import load_pipeline

    write_golden(load_pipeline())
