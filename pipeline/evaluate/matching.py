"""Span overlap and one-to-one greedy matching, as peers were scored (docs/evaluation.md).

A prediction matches a gold content at threshold t when the characters they share cover at least
t of *both* (as character sets; discontinuous spans count only their fragments). "Exact" means
equal after trimming whitespace, quote marks and ``.,;:`` at both ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.evaluate.items import ALL_QUOTE_MARKS, Fragment, merge_fragments

EXACT = "exact"
TRIM_CHARS = "".join(sorted(ALL_QUOTE_MARKS)) + ".,;:" + " \t\r\n\u00a0"


def length(fragments: Sequence[Fragment]) -> int:
    """Number of characters covered by (merged) fragments."""
    return sum(e - s for s, e in merge_fragments(list(fragments)))


def shared_chars(a: Sequence[Fragment], b: Sequence[Fragment]) -> int:
    """Number of characters two fragment lists have in common."""
    total = 0
    for s1, e1 in merge_fragments(list(a)):
        for s2, e2 in merge_fragments(list(b)):
            total += max(0, min(e1, e2) - max(s1, s2))
    return total


def touches(a: Sequence[Fragment] | None, b: Sequence[Fragment] | None) -> bool:
    """True when the two spans share at least one character."""
    return bool(a) and bool(b) and shared_chars(a, b) > 0


def overlap_score(pred: Sequence[Fragment], gold: Sequence[Fragment]) -> float:
    """min(shared/|pred|, shared/|gold|): the largest t at which the pair matches."""
    shared = shared_chars(pred, gold)
    if not shared:
        return 0.0
    return min(shared / length(pred), shared / length(gold))


def trimmed_fragments(fragments: Sequence[Fragment], text: str) -> list[Fragment]:
    """Fragments with whitespace, quote marks and ``.,;:`` trimmed off the outer ends."""
    frags = [list(f) for f in merge_fragments(list(fragments))]
    while frags and frags[0][0] < frags[0][1] and text[frags[0][0]] in TRIM_CHARS:
        frags[0][0] += 1
        if frags[0][0] >= frags[0][1]:
            frags.pop(0)
    while frags and frags[-1][0] < frags[-1][1] and text[frags[-1][1] - 1] in TRIM_CHARS:
        frags[-1][1] -= 1
        if frags[-1][0] >= frags[-1][1]:
            frags.pop()
    return [(s, e) for s, e in frags]


def is_exact(pred: Sequence[Fragment], gold: Sequence[Fragment], text: str) -> bool:
    """Equal after trimming both ends (discontinuous gold needs the same fragments)."""
    return trimmed_fragments(pred, text) == trimmed_fragments(gold, text)


def match(preds: Sequence[Sequence[Fragment]], golds: Sequence[Sequence[Fragment]],
          threshold: float | str, text: str = "") -> list[tuple[int, int]]:
    """One-to-one matches ``(pred_index, gold_index)``, greedy by overlap score.

    ``threshold`` is a float in (0, 1] or ``"exact"`` (then ``text`` is needed for trimming).
    Ties keep text order, so results are deterministic.
    """
    candidates: list[tuple[float, int, int]] = []
    for i, pred in enumerate(preds):
        for j, gold in enumerate(golds):
            score = overlap_score(pred, gold)
            if score <= 0:
                continue
            if threshold == EXACT:
                if not is_exact(pred, gold, text):
                    continue
            elif score < float(threshold):
                continue
            candidates.append((score, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
            pairs.append((i, j))
    return sorted(pairs)
