"""P/R/F1 per subset and threshold, cue and speaker accuracy, scare-quote negatives.

Subsets (gold filter vs prediction filter):
- ``quoted``: gold contents with a quote mark vs predicted ``direct``/``mixed`` quotes;
- ``all``: every gold content vs every predicted quote;
- ``direct``/``mixed``/``indirect``: gold of that (inferred) type vs predictions of that type.
Cue, speaker-mention and canonical-name accuracy are measured on the 0.3-matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.evaluate.items import GoldDoc, GoldQuote, PredDoc, PredQuote
from pipeline.evaluate.matching import EXACT, match, overlap_score, touches

THRESHOLDS: tuple[float | str, ...] = (EXACT, 0.8, 0.3)
ACCURACY_THRESHOLD = 0.3
NEGATIVE_THRESHOLD = 0.3

GoldFilter = Callable[[GoldQuote], bool]
PredFilter = Callable[[PredQuote], bool]
SUBSETS: dict[str, tuple[GoldFilter, PredFilter]] = {
    "quoted": (lambda g: g.has_quote_mark, lambda p: p.type in ("direct", "mixed")),
    "all": (lambda g: True, lambda p: True),
    "direct": (lambda g: g.type == "direct", lambda p: p.type == "direct"),
    "mixed": (lambda g: g.type == "mixed", lambda p: p.type == "mixed"),
    "indirect": (lambda g: g.type == "indirect", lambda p: p.type == "indirect"),
}


def threshold_key(threshold: float | str) -> str:
    """"exact", "0.8", "0.3": the key used in reports and JSON."""
    return str(threshold)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 (0.0 where undefined)."""
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "precision": precision, "recall": recall, "f1": f1}


def normalise_name(name: str | None) -> str:
    """Case-insensitive, whitespace-collapsed, leading "the " dropped."""
    text = re.sub(r"\s+", " ", (name or "").strip().lower())
    return re.sub(r"^the ", "", text)


def name_matches(pred_name: str | None, gold: GoldQuote) -> bool:
    """Predicted canonical name equals the gold name or one of its aliases."""
    wanted = {normalise_name(n) for n in [gold.name, *gold.aliases] if n}
    return bool(pred_name) and normalise_name(pred_name) in wanted


@dataclass
class Ratio:
    """correct / total, with the rate."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += int(ok)

    def as_dict(self) -> dict:
        rate = self.correct / self.total if self.total else None
        return {"correct": self.correct, "total": self.total, "accuracy": rate}


@dataclass
class SubsetScore:
    """Counts for one subset, summed over documents (micro average)."""

    n_gold: int = 0
    n_pred: int = 0
    tp: dict[str, int] = field(default_factory=lambda: {threshold_key(t): 0 for t in THRESHOLDS})
    cue: Ratio = field(default_factory=Ratio)
    speaker: Ratio = field(default_factory=Ratio)
    name: Ratio = field(default_factory=Ratio)

    def as_dict(self) -> dict:
        out: dict = {"n_gold": self.n_gold, "n_pred": self.n_pred}
        for key, tp in self.tp.items():
            out[key] = prf(tp, self.n_pred, self.n_gold)
        out["cue_accuracy"] = self.cue.as_dict()
        out["speaker_accuracy"] = self.speaker.as_dict()
        out["name_accuracy"] = self.name.as_dict()
        return out


def _span_text(text: str, fragments) -> str:
    return " … ".join(text[s:e] for s, e in fragments)


def score_subset(gold_doc: GoldDoc, pred_doc: PredDoc, name: str, total: SubsetScore,
                 details: dict | None = None) -> None:
    """Add one document's counts for subset ``name`` to ``total``; list errors in ``details``."""
    gold_filter, pred_filter = SUBSETS[name]
    golds = [g for g in gold_doc.quotes if gold_filter(g)]
    preds = [p for p in pred_doc.quotes if pred_filter(p)]
    total.n_gold += len(golds)
    total.n_pred += len(preds)
    gold_frags = [g.fragments for g in golds]
    pred_frags = [p.fragments for p in preds]
    for threshold in THRESHOLDS:
        pairs = match(pred_frags, gold_frags, threshold, gold_doc.text)
        total.tp[threshold_key(threshold)] += len(pairs)
        if threshold != ACCURACY_THRESHOLD:
            continue
        for i, j in pairs:
            pred, gold = preds[i], golds[j]
            if gold.cue:
                total.cue.add(touches([pred.cue] if pred.cue else None, gold.cue))
            if gold.source:
                ok = touches([pred.speaker_mention] if pred.speaker_mention else None,
                             gold.source)
                total.speaker.add(ok)
            if gold.name:
                ok_name = name_matches(pred.speaker_name, gold)
                total.name.add(ok_name)
                if details is not None and not ok_name:
                    details.setdefault("wrong_speaker", []).append({
                        "text": _span_text(gold_doc.text, gold.fragments)[:80],
                        "gold": gold.name, "pred": pred.speaker_name})
        if details is not None:
            matched_gold = {j for _, j in pairs}
            matched_pred = {i for i, _ in pairs}
            details["missed"] = [
                {"type": g.type, "start": g.start, "end": g.end,
                 "text": _span_text(gold_doc.text, g.fragments)[:80]}
                for j, g in enumerate(golds) if j not in matched_gold]
            details["spurious"] = [
                {"type": p.type, "start": p.start, "end": p.end,
                 "text": _span_text(gold_doc.text, p.fragments)[:80]}
                for i, p in enumerate(preds) if i not in matched_pred]


def negatives_output(gold_doc: GoldDoc, pred_doc: PredDoc) -> list[dict]:
    """Gold negatives (scare quotes, titles, terms) that some predicted quote matches at 0.3."""
    hits = []
    for negative in gold_doc.negatives:
        frag = [(negative.start, negative.end)]
        if any(overlap_score(p.fragments, frag) >= NEGATIVE_THRESHOLD for p in pred_doc.quotes):
            hits.append({"kind": negative.kind, "start": negative.start, "end": negative.end,
                         "text": gold_doc.text[negative.start:negative.end]})
    return hits


def evaluate_docs(gold_docs: list[GoldDoc], preds: dict[str, PredDoc]) -> dict:
    """Score all gold documents against their predictions (missing ones count as empty)."""
    totals = {name: SubsetScore() for name in SUBSETS}
    negatives_total = 0
    negative_hits: list[dict] = []
    documents = []
    for gold in gold_docs:
        pred = preds.get(gold.id) or PredDoc(id=gold.id, quotes=[], error="missing")
        details: dict = {}
        for name in SUBSETS:
            score_subset(gold, pred, name, totals[name], details if name == "all" else None)
        hits = negatives_output(gold, pred)
        negatives_total += len(gold.negatives)
        negative_hits.extend({"id": gold.id, **hit} for hit in hits)
        documents.append({"id": gold.id, "n_gold": len(gold.quotes), "n_pred": len(pred.quotes),
                          "error": pred.error, "negatives_output": hits, **details})
    return {
        "documents": len(gold_docs),
        "prediction_errors": sum(1 for d in documents if d["error"]),
        "subsets": {name: score.as_dict() for name, score in totals.items()},
        "negatives": {"total": negatives_total, "output_as_quote": len(negative_hits),
                      "items": negative_hits},
        "per_document": documents,
    }
