"""Plain records the scorer compares: gold and predicted quotes as character fragments.

Both readers (brat, project JSONL) and the prediction loader produce these, so matching and
metrics never see a file format. Offsets are Python code-point offsets, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Fragment = tuple[int, int]

# Marks that make a content "quoted". Single ’/' are left out on purpose: in news text they are
# mostly apostrophes ("Clinton’s"); a content that *starts* with ‘ or ' still counts (see below).
DOUBLE_QUOTE_MARKS = frozenset('"“”„‟«»‹›「」『』')
SINGLE_OPENING_MARKS = frozenset("‘'‚‛")
ALL_QUOTE_MARKS = DOUBLE_QUOTE_MARKS | SINGLE_OPENING_MARKS | frozenset("’")
GOLD_QUOTE_TYPES = ("direct", "mixed", "indirect")
NEGATIVE_KINDS = ("scare_quote", "title", "term")


def merge_fragments(fragments: list[Fragment]) -> list[Fragment]:
    """Sort fragments and merge overlapping or touching ones, dropping empty ones."""
    merged: list[list[int]] = []
    for start, end in sorted(f for f in fragments if f[1] > f[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def has_quote_mark(text: str) -> bool:
    """True when the text holds a double quote mark or guillemet (including the two-apostrophe
    ''…'' and ``…'' styles of some wires), or opens with a single quote."""
    stripped = text.strip()
    return any(ch in DOUBLE_QUOTE_MARKS for ch in text) or "''" in text or "``" in text or (
        bool(stripped) and stripped[0] in SINGLE_OPENING_MARKS
    )


def _fully_quoted(text: str) -> bool:
    stripped = text.strip().rstrip(".,;:!?— ").lstrip()
    return (
        len(stripped) >= 2
        and stripped[0] in ALL_QUOTE_MARKS
        and stripped[-1] in ALL_QUOTE_MARKS
    )


def infer_quote_type(fragment_texts: list[str]) -> str:
    """Gold type from the marks: direct if every fragment is fully quoted, mixed if some quote
    mark is inside, else indirect (PolNeAR has no type label)."""
    if fragment_texts and all(_fully_quoted(t) for t in fragment_texts):
        return "direct"
    if any(has_quote_mark(t) for t in fragment_texts):
        return "mixed"
    return "indirect"


class _Fragmented:
    """``start``/``end`` of an item whose ``fragments`` are sorted character spans."""

    fragments: list[Fragment]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class GoldQuote(_Fragmented):
    """One gold attribution: its content fragments, type, cue, speaker mention and name."""

    fragments: list[Fragment]
    type: str
    cue: list[Fragment] | None = None
    source: list[Fragment] | None = None
    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    has_quote_mark: bool = False


@dataclass
class GoldNegative:
    """A quoted string that is not a quotation (scare quote, title, term)."""

    start: int
    end: int
    kind: str


@dataclass
class GoldDoc:
    """One gold article: its text, gold quotes and (own gold only) negatives."""

    id: str
    text: str
    quotes: list[GoldQuote]
    negatives: list[GoldNegative] = field(default_factory=list)
    source: str = ""


@dataclass
class PredQuote(_Fragmented):
    """One predicted quote, read from a claimtrace record."""

    fragments: list[Fragment]
    type: str
    cue: Fragment | None = None
    speaker_mention: Fragment | None = None
    speaker_name: str | None = None
    resolution: str | None = None
    id: str | None = None
    continues: str | None = None


@dataclass
class PredDoc:
    """The predicted quotes of one article (empty when the pipeline gave an error record)."""

    id: str
    quotes: list[PredQuote]
    error: str | None = None
