"""A cheap first pass for stance: a logistic-regression head on the sentence embeddings that
the relevance gate computes anyway (claim ``u``, target ``v``; features u, v, u*v, |u-v|).

In the pipeline it runs on every pair the gate lets through; when its top probability reaches
``threshold`` its answer stands, otherwise the cross-encoder scores the pair. The threshold is
chosen on dev as the lowest one that costs at most ``max_f1_loss`` macro-F1 against the
cross-encoder alone (``choose_threshold``), so the cascade trades no more quality than that.
Saved as ``firstpass.npz`` (a few kB) next to the cross-encoder.

Actor sentiment has a head of its own (``firstpass-actor.npz``): claim ``u`` and the actor's
name ``v``, fitted on NewsMTSC (entity mention -> sentence) and thresholded the same way on
its dev set. Actor pairs are most of the cross-encoder's work on news (docs/stance.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "firstpass.npz"
FILES = {"stance": FILE, "actor": "firstpass-actor.npz"}
THRESHOLDS = [round(0.5 + 0.025 * i, 3) for i in range(21)]  # 0.5 .. 1.0


def features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Pair features from unit-length claim (u) and target (v) embeddings, row-aligned."""
    return np.hstack([u, v, u * v, np.abs(u - v)]).astype(np.float32)


@dataclass
class FirstPass:
    """Multinomial logistic regression over pair features, plus its acceptance threshold."""

    weights: np.ndarray  # (n_features, 3)
    bias: np.ndarray  # (3,)
    threshold: float = 1.01  # above any probability: never trusted until chosen on dev

    def probs(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        logits = features(u, v) @ self.weights + self.bias
        logits -= logits.max(1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(1, keepdims=True)

    def confident(self, probs: np.ndarray) -> np.ndarray:
        """Rows whose answer stands without the cross-encoder."""
        return probs.max(1) >= self.threshold

    def save(self, model_dir: Path, info: dict | None = None, task: str = "stance") -> None:
        np.savez(Path(model_dir) / FILES[task], weights=self.weights, bias=self.bias,
                 threshold=np.array(self.threshold),
                 info=np.array(json.dumps(info or {})))

    @classmethod
    def load(cls, model_dir: Path, task: str = "stance") -> FirstPass | None:
        path = Path(model_dir) / FILES[task]
        if not path.exists():
            return None
        data = np.load(path)
        return cls(data["weights"], data["bias"], float(data["threshold"]))


def fit(u: np.ndarray, v: np.ndarray, labels: Sequence[int], seed: int = 13,
        c: float = 1.0) -> FirstPass:
    """Fit the head on embedded training pairs."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(max_iter=300, C=c, random_state=seed)
    clf.fit(features(u, v), list(labels))
    weights = np.zeros((u.shape[1] * 4, 3), dtype=np.float32)
    bias = np.zeros(3, dtype=np.float32)
    for row, label in enumerate(clf.classes_):
        weights[:, label] = clf.coef_[row]
        bias[label] = clf.intercept_[row]
    return FirstPass(weights, bias)


def cascade_labels(fp_probs: np.ndarray, threshold: float, cross_labels: Sequence[int]
                   ) -> list[int]:
    """Labels of the cascade: first-pass argmax where confident, the cross-encoder elsewhere."""
    confident = fp_probs.max(1) >= threshold
    return [int(p.argmax()) if ok else lab
            for p, ok, lab in zip(fp_probs, confident, cross_labels, strict=True)]


def choose_threshold(dev: Sequence[tuple[np.ndarray, Sequence[int], Sequence[int]]],
                     max_f1_loss: float = 0.01) -> tuple[float, dict]:
    """The lowest threshold whose mean 3-class macro-F1 over the dev sets
    (first-pass probs, cross-encoder labels, gold) is within ``max_f1_loss`` of the
    cross-encoder's; returns (threshold, {threshold: {"f1", "share"}})."""
    from pipeline.stance import sets

    def mean_f1(threshold: float) -> float:
        return float(np.mean([sets.scores(gold, cascade_labels(fp, threshold, cross),
                                          (0, 1, 2))["macro_f1"] for fp, cross, gold in dev]))

    reference = float(np.mean([sets.scores(gold, cross, (0, 1, 2))["macro_f1"]
                               for _, cross, gold in dev]))
    table = {}
    for threshold in THRESHOLDS:
        share = float(np.mean(np.concatenate([fp.max(1) >= threshold for fp, _, _ in dev])))
        table[threshold] = {"f1": round(mean_f1(threshold), 4), "share": round(share, 4)}
    ok = [t for t in THRESHOLDS if table[t]["f1"] >= reference - max_f1_loss]
    return (min(ok) if ok else 1.01), {"reference_f1": round(reference, 4), "by_threshold": table}


def train_first_pass(model_dir: Path, examples: Sequence[dict], dev_sets: Sequence,
                     base: str, seed: int = 13, max_pairs: int = 15000,
                     max_f1_loss: float = 0.01, log=print, task: str = "stance",
                     c: float = 1.0) -> dict:
    """Fit the ``task`` head (stance or actor) on (a sample of) that task's training pairs,
    choose its threshold on the task's dev sets against the calibrated cross-encoder in
    ``model_dir``, save it there and return what training.json records about it (an empty
    dict when there are no training or dev pairs for the task)."""
    import random

    from pipeline.stance.model import load_model
    from pipeline.stance.relevance import load_gate

    pairs = [e for e in examples if e["task"] == task]
    dev = [es for es in dev_sets if es.examples and es.examples[0]["task"] == task]
    if not pairs or not dev:
        log(f"first pass ({task}): no training or dev pairs, not fitted")
        return {}
    gate = load_gate(base, bf16=False)
    pairs = random.Random(seed).sample(pairs, min(max_pairs, len(pairs)))
    head = fit(gate.embed([e["text"] for e in pairs]), gate.embed([e["target"] for e in pairs]),
               [e["label"] for e in pairs], seed=seed, c=c)
    model = load_model(model_dir, bf16=False)
    rows = []
    for es in dev:
        probs = head.probs(gate.embed([e["text"] for e in es.examples]),
                           gate.embed([e["target"] for e in es.examples]))
        cross = model.labels(es.examples, model.score(es.examples, batch_size=32))
        rows.append((probs, cross, [e["label"] for e in es.examples]))
    head.threshold, table = choose_threshold(rows, max_f1_loss)
    info = {"threshold": head.threshold, "max_f1_loss": max_f1_loss, "c": c,
            "training_pairs": len(pairs), **table,
            "dev_share_decided": table["by_threshold"].get(head.threshold, {}).get("share", 0.0)}
    head.save(model_dir, info, task)
    log(f"first pass ({task}): threshold {head.threshold}, decides "
        f"{info['dev_share_decided']:.1%} of dev pairs")
    return info
