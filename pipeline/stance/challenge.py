"""The hand-written stance challenge set (corpus/stance/challenge.jsonl): loading and the
per-category accuracy that `claimtrace stance evaluate` reports and CI guards.

It is never used for training or model selection."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import ClaimtraceError, Errors
from pipeline.paths import resolve
from pipeline.stance.data import TASK_LABELS, example

CHALLENGE_PATH = "corpus/stance/challenge.jsonl"


def challenge_examples(path: str | Path = CHALLENGE_PATH) -> list[dict]:
    """Every challenge pair as a training-format example plus ``id`` and ``category``."""
    file = resolve(path)
    if not file.exists():
        raise ClaimtraceError(Errors.E201, what="Stance challenge set", path=str(path))
    out = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        task = row.get("task", "stance")
        ex = example(task, row["target"], row["text"], TASK_LABELS[task].index(row["label"]),
                     "challenge", mention=tuple(row["mention"]) if row.get("mention") else None)
        out.append({**ex, "id": row["id"], "category": row["category"]})
    return out


def category_accuracy(examples: Sequence[dict], predicted: Sequence[int]) -> dict[str, dict]:
    """{category: {"accuracy", "n", "errors": [ids]}} plus an ``overall`` row."""
    rows: dict[str, list] = defaultdict(list)
    for ex, pred in zip(examples, predicted, strict=True):
        rows[ex["category"]].append((ex["id"], pred == ex["label"]))
        rows["overall"].append((ex["id"], pred == ex["label"]))
    return {cat: {"accuracy": sum(ok for _, ok in items) / len(items), "n": len(items),
                  "errors": [i for i, ok in items if not ok]}
            for cat, items in rows.items()}
