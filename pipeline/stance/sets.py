"""The named evaluation sets and the metrics every stance number in the docs comes from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from pipeline.stance import data


@dataclass
class EvalSet:
    """Examples plus the label ids a prediction is restricted to (2-class sets use (0, 1))."""

    name: str
    examples: list[dict]
    labels: tuple[int, ...]
    train_key: str  # which training pool its TF-IDF baseline learns from


def perspectrum_root(cfg: dict) -> Path:
    from pipeline.paths import resolve

    return resolve(cfg["paths"]["perspectrum"])


def newsmtsc_root(cfg: dict) -> Path:
    from pipeline.paths import resolve

    return resolve(cfg["paths"]["newsmtsc"])


def _head(examples: list[dict], limit: int) -> list[dict]:
    """A deterministic, label-stratified-ish slice: every k-th example (keeps all classes)."""
    if not limit or limit >= len(examples):
        return examples
    step = len(examples) / limit
    return [examples[int(i * step)] for i in range(limit)]


def eval_sets(cfg: dict, split: str, limit: int = 0) -> list[EvalSet]:
    """PERSPECTRUM 2-class, PERSPECTRUM+neutral 3-class and NewsMTSC-rw sets for dev or test."""
    seed = cfg["training"]["seed"]
    ratio = cfg["data"]["neutral_per_claim"]
    three = data.perspectrum_examples(perspectrum_root(cfg), split, neutral_per_claim=ratio,
                                      seed=seed)
    two = [ex for ex in three if ex["label"] != data.NEUTRAL]
    sets = [
        EvalSet(f"perspectrum-{split} (support/undermine)", _head(two, limit), (0, 1),
                "perspectrum-2"),
        EvalSet(f"perspectrum+neutral-{split} (3-class, built)", _head(three, limit), (0, 1, 2),
                "perspectrum-3"),
    ]
    if cfg["data"].get("use_newsmtsc", True):
        news = data.newsmtsc_examples(newsmtsc_root(cfg), "dev" if split == "dev" else "test")
        sets.append(EvalSet(f"newsmtsc-rw-{split} (entity, 3-class)", _head(news, limit),
                            (0, 1, 2), "newsmtsc"))
    return sets


def predict_labels(probs: Sequence[Sequence[float]], labels: Sequence[int]) -> list[int]:
    """Argmax restricted to ``labels`` (the 2-class PERSPECTRUM number ignores neutral)."""
    return [max(labels, key=lambda k, row=row: row[k]) for row in probs]


def scores(gold: Sequence[int], pred: Sequence[int], labels: Sequence[int]) -> dict[str, float]:
    """Macro-F1 over ``labels`` and accuracy."""
    return {"macro_f1": float(f1_score(gold, pred, labels=list(labels), average="macro",
                                       zero_division=0)),
            "accuracy": float(accuracy_score(gold, pred)), "n": len(gold)}
