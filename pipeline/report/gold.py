"""The pipeline's scores against gold, for the report: reuses pipeline/evaluate for quote
spans, cues and speakers, and adds stance agreement where the gold has stance labels (records
pulled from doccano, docs/doccano.md).

Gold is read first, so the streaming pass over the annotated file keeps only the predictions
of gold articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.evaluate.cli import load_gold_sets
from pipeline.evaluate.gold import gold_jsonl_files
from pipeline.evaluate.items import GoldDoc, PredDoc
from pipeline.evaluate.matching import overlap_score
from pipeline.evaluate.metrics import evaluate_docs
from pipeline.evaluate.predictions import (
    check_same_text,
    merge_continuations,
    record_to_pred,
)
from pipeline.jsonl import iter_jsonl
from pipeline.report.aggregate import STANCE_LABELS

CLAIM_MATCH = 0.5


def detect_format(gold: Path) -> str:
    """brat for a folder with ``attributions/`` (PolNeAR layout), else the project's JSONL."""
    return "brat" if gold.is_dir() and (gold / "attributions").is_dir() else "jsonl"


@dataclass
class GoldComparison:
    """Gold sets, and the predictions and claims collected for their articles while streaming."""

    path: Path
    fmt: str
    sets: dict[str, list[GoldDoc]]
    preds: dict[str, PredDoc] = field(default_factory=dict)
    claims: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls, gold: Path, fmt: str | None = None) -> GoldComparison:
        fmt = fmt or detect_format(gold)
        return cls(gold, fmt, load_gold_sets(gold, fmt))

    @property
    def docs(self) -> dict[str, GoldDoc]:
        return {doc.id: doc for docs in self.sets.values() for doc in docs}

    def add(self, record: dict, docs: dict[str, GoldDoc]) -> None:
        """Keep ``record``'s predictions if it is a gold article (E408 if its text differs)."""
        doc_id = str(record.get("id"))
        if doc_id not in docs or doc_id in self.preds:
            return
        check_same_text(record, docs[doc_id])
        self.preds[doc_id] = record_to_pred(record)
        self.claims[doc_id] = [c for c in record.get("claims", []) if isinstance(c, dict)]

    def missing(self) -> list[str]:
        """Gold article ids with no record in the annotated file."""
        return [doc_id for doc_id in self.docs if doc_id not in self.preds]

    def quote_results(self) -> dict[str, dict]:
        """``evaluate_docs`` per gold set, with the evaluator's default continuation merge."""
        results = {}
        for name, docs in self.sets.items():
            preds = {d.id: self.preds[d.id] for d in docs if d.id in self.preds}
            if self.fmt == "brat":
                preds = {k: merge_continuations(v, "") for k, v in preds.items()}
            results[name] = evaluate_docs(docs, preds)
        return results

    def stance_results(self) -> dict | None:
        """Agreement of predicted with gold stance labels; None when the gold has none."""
        if self.fmt != "jsonl":
            return None
        matrix: dict[str, Counter] = {label: Counter() for label in STANCE_LABELS}
        unmatched = 0
        for gold_claims, doc_id in _gold_stance_claims(self.path):
            predicted = self.claims.get(doc_id)
            if predicted is None:
                continue
            for claim, labels in gold_claims:
                pred = _best_claim(claim, predicted)
                pred_labels = _labels(pred) if pred else {}
                for target, gold_label in labels.items():
                    if target in pred_labels:
                        matrix[gold_label][pred_labels[target]] += 1
                    else:
                        unmatched += 1
        n = sum(sum(row.values()) for row in matrix.values())
        if not n and not unmatched:
            return None
        return {"n": n, "unmatched": unmatched, "matrix": matrix,
                "accuracy": sum(matrix[lab][lab] for lab in STANCE_LABELS) / n if n else 0.0,
                "macro_f1": macro_f1(matrix)}


def _labels(claim: dict) -> dict[str, str]:
    return {str(e.get("target")): str(e.get("label")) for e in claim.get("stance") or []
            if isinstance(e, dict) and e.get("label") in STANCE_LABELS}


def _best_claim(claim: dict, predicted: list[dict]) -> dict | None:
    """The predicted claim with the same span, else the most overlapping one (>= 0.5 of both)."""
    span = [(claim["start"], claim["end"])]
    best, best_score = None, CLAIM_MATCH
    for pred in predicted:
        if not (isinstance(pred.get("start"), int) and isinstance(pred.get("end"), int)):
            continue
        score = overlap_score([(pred["start"], pred["end"])], span)
        if score >= best_score:
            best, best_score = pred, score
    return best


def _gold_stance_claims(gold: Path):
    """Yield ``([(claim, {target: label})], doc id)`` per gold record with reviewed stance.

    Unreviewed machine labels (``review: machine``) are not gold, as in the stance trainer."""
    def bad_line(number: int, exc: Exception) -> Exception:  # load_gold_sets read it already
        return ValueError(f"{gold}: line {number}: {exc}")

    for path in gold_jsonl_files(gold):
        for _, record in iter_jsonl(path, bad_line):
            out = []
            for claim in record.get("claims") or []:
                if not (isinstance(claim, dict) and isinstance(claim.get("start"), int)
                        and isinstance(claim.get("end"), int)):
                    continue
                labels = {str(e["target"]): e["label"] for e in claim.get("stance") or []
                          if isinstance(e, dict) and e.get("review") != "machine"
                          and e.get("label") in STANCE_LABELS and e.get("target")}
                if labels:
                    out.append((claim, labels))
            if out:
                yield out, str(record.get("id"))


def macro_f1(matrix: dict[str, Counter]) -> float:
    """Macro-F1 over the labels that occur in gold or predictions."""
    labels = [lab for lab in STANCE_LABELS
              if sum(matrix[lab].values()) or sum(matrix[g][lab] for g in STANCE_LABELS)]
    scores = []
    for lab in labels:
        tp = matrix[lab][lab]
        pred = sum(matrix[g][lab] for g in STANCE_LABELS)
        gold = sum(matrix[lab].values())
        scores.append(2 * tp / (pred + gold) if pred + gold else 0.0)
    return sum(scores) / len(scores) if scores else 0.0
