"""Check record spans against the article text and cut the text into drawable segments.

Records are untrusted input: a span whose offsets do not fit the text is reported (E612) and
left out; one whose stored text differs from the text at its offsets is reported (E613) and drawn
at its offsets, which the schema defines as the truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import ClaimtraceError, Errors

# Layers drawn inside each other: a quote holds claims, a claim holds the innermost marks.
INNER_LAYERS = ("speaker", "cue", "actor")


@dataclass(frozen=True)
class Mark:
    """A span to draw: ``layer`` is quote, claim, speaker, cue or actor; ``key`` says which."""

    start: int
    end: int
    layer: str
    key: str

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Segment:
    """A run of text covered by the same marks: at most one per layer (the shortest)."""

    start: int
    end: int
    quote: Mark | None = None
    claim: Mark | None = None
    inner: Mark | None = None


@dataclass
class SpanChecker:
    """Collects the coded warnings for one article's spans."""

    doc_id: str
    text: str
    warnings: list[str] = field(default_factory=list)

    def mark(self, span: Any, layer: str, key: str, what: str) -> Mark | None:
        """A ``Mark`` for ``span`` (a ``{start, end, text}`` object), or None with a warning."""
        if not isinstance(span, dict):
            return None
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int)
                and 0 <= start < end <= len(self.text)):
            self.warnings.append(str(ClaimtraceError(
                Errors.E612, id=self.doc_id, what=what, start=start, end=end,
                length=len(self.text))))
            return None
        expected = span.get("text")
        if isinstance(expected, str) and expected != self.text[start:end]:
            self.warnings.append(str(ClaimtraceError(
                Errors.E613, id=self.doc_id, what=what, start=start, end=end,
                actual=_short(self.text[start:end]), expected=_short(expected))))
        return Mark(start, end, layer, key)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shortest(marks: set[Mark], layers: tuple[str, ...]) -> Mark | None:
    """The mark of the first layer present, shortest first (ties: earliest start)."""
    for layer in layers:
        found = [m for m in marks if m.layer == layer]
        if found:
            return min(found, key=lambda m: (m.length, m.start, m.key))
    return None


def segment(length: int, marks: list[Mark]) -> list[Segment]:
    """Cut ``[0, length)`` at every mark boundary; each piece knows its quote, claim and inner
    mark. Overlapping quotes (or claims) resolve to the shortest one for that piece."""
    starts: dict[int, list[Mark]] = defaultdict(list)
    ends: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        starts[mark.start].append(mark)
        ends[mark.end].append(mark)
    points = sorted({0, length, *starts, *ends})
    active: set[Mark] = set()
    out: list[Segment] = []
    for begin, finish in zip(points, points[1:], strict=False):
        active.difference_update(ends.get(begin, ()))
        active.update(starts.get(begin, ()))
        out.append(Segment(begin, finish, _shortest(active, ("quote",)),
                           _shortest(active, ("claim",)), _shortest(active, INNER_LAYERS)))
    return out
