"""Active-learning order for the push: annotators see the least certain stance labels first.

A stance item's *margin* is the difference between the stance model's two highest class
probabilities (its ``scores``): 0 means the model could not decide between two labels, 1 means
it was sure. Items are ordered by margin, smallest first; items the relevance gate labelled
neutral without running the classifier (``gated: true``, no scores) come last, as do items
without scores. A document's margin is that of its least certain claim. Ties keep the input
order (document, claim, target).
"""

from __future__ import annotations

GATED = 2.0  # sorts after every real margin (margins lie in [0, 1])
UNSCORED = 1.5


def margin(item: dict) -> float:
    """Top-1 minus top-2 probability of one stance item; ``GATED`` / ``UNSCORED`` when the
    classifier gave no scores."""
    if item.get("gated"):
        return GATED
    scores = sorted((float(v) for v in (item.get("scores") or {}).values()), reverse=True)
    if not scores:
        return UNSCORED
    second = scores[1] if len(scores) > 1 else 0.0
    return round(scores[0] - second, 4)


def document_margin(record: dict, targets: set[str] | None = None) -> float:
    """The smallest margin over a record's stance items (``targets``: only those targets)."""
    margins = [
        margin(item)
        for claim in record.get("claims") or []
        for item in claim.get("stance") or []
        if targets is None or item["target"] in targets
    ]
    return min(margins, default=GATED)
