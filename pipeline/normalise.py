"""Text normaliser that keeps a map back to the original characters.

spaCy stumbles on typographic details that are common in translated news: a closing quote glued
to a dash (``“bet”—since`` stays one token), quote styles it doesn't pair, CRLF line ends. We
rewrite those before tokenising and keep, for every character of the normalised text, the index
of the original character it came from, so every offset we output points into the input as given.

Scraped news is full of invisible characters: zero-width spaces and joiners, bidi marks and
embeddings (U+200B-200F, U+202A-202E, U+2060, U+2066-2069), byte-order marks, soft hyphens and
variation selectors. They are dropped from the normalised text before anything else looks at it,
so quote pairing, tokens and actor names see the text as a reader does; the record's ``text`` still
holds them and every offset still points into it. Unicode line separators (U+2028, U+2029, U+0085,
form feed, vertical tab) become ``\n``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OPEN_DOUBLE = "“"
CLOSE_DOUBLE = "”"
# Quote marks mapped to curly doubles (1:1, so the length is unchanged).
_OPENERS = {
    "“": OPEN_DOUBLE,
    "„": OPEN_DOUBLE,
    "‟": OPEN_DOUBLE,
    "«": OPEN_DOUBLE,
    "「": OPEN_DOUBLE,
    "『": OPEN_DOUBLE,
    "〝": OPEN_DOUBLE,
    "＂": None,
    '"': None,
}
_CLOSERS = {
    "”": CLOSE_DOUBLE,
    "»": CLOSE_DOUBLE,
    "」": CLOSE_DOUBLE,
    "』": CLOSE_DOUBLE,
    "〞": CLOSE_DOUBLE,
    "〟": CLOSE_DOUBLE,
}
DASHES = "—–―"
_SPACES = {"\u00a0", "\u2007", "\u202f", "\u2009", "\u200a", "\u3000"}
_OPEN_CONTEXT = set(" \t\n([{—–―-/") | {""}
# One character each, read as a line break (str.splitlines() agrees, spaCy does not).
_LINE_BREAKS = {"\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"}


# Invisible characters the normaliser drops: Unicode's format characters (category Cf:
# soft hyphen, zero-width space/joiners, bidi marks, embeddings and isolates, word joiner, BOM,
# tag characters), variation selectors, and control characters other than tab and line breaks.
_INVISIBLE_RANGES = (
    "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_RANGES}]")


def _is_invisible(ch: str) -> bool:
    return _INVISIBLE.match(ch) is not None


def visible(text: str) -> str:
    """``text`` without the invisible characters the normaliser drops."""
    return _INVISIBLE.sub("", text)


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text; normalised char ``i`` came from original chars
    ``[offsets[i], ends[i])`` (two apostrophes become one quote mark, so ends may jump).

    ``offsets`` has one extra entry (the original length) so empty spans at the end map too.
    """

    text: str
    offsets: list[int]
    ends: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span to the original text."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.ends[end - 1]


def _straight_quote_direction(text: str, i: int, width: int = 1) -> str:
    """Decide whether a straight double quote at ``i`` opens or closes a quotation."""
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + width] if i + width < len(text) else ""
    if prev in "'’‘" and i >= 2 and not text[i - 2].isspace():
        return CLOSE_DOUBLE  # ,'" closes a quote that ends with a nested one
    if prev in _OPEN_CONTEXT or prev in "“‘'":
        return OPEN_DOUBLE
    if nxt == "" or nxt.isspace() or nxt in ".,;:!?)]}—–-'’":
        return CLOSE_DOUBLE
    return OPEN_DOUBLE if not prev.isalnum() else CLOSE_DOUBLE


def normalise(text: str) -> NormalisedText:
    """Drop invisible characters, normalise quote marks, dashes next to quotes, odd spaces,
    symbols and line breaks; keep the offset map into ``text``."""
    if not _INVISIBLE.search(text):
        return _normalise_visible(text)
    kept = [i for i, ch in enumerate(text) if not _is_invisible(ch)]
    norm = _normalise_visible("".join(text[i] for i in kept))
    offsets = [kept[o] for o in norm.offsets[:-1]] + [len(text)]
    ends = [kept[e - 1] + 1 for e in norm.ends]
    return NormalisedText(norm.text, offsets, ends)


def _normalise_visible(text: str) -> NormalisedText:
    """The rewrites of :func:`normalise` on text that has no invisible characters."""
    out: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []

    def emit(ch: str, origin: int, width: int = 1) -> None:
        out.append(ch)
        offsets.append(origin)
        ends.append(origin + width)

    n = len(text)
    skip_next = False
    for i, ch in enumerate(text):
        if skip_next:
            skip_next = False
            continue
        if ch in "'`" and i + 1 < n and text[i + 1] == ch:
            # ''quoted'' and ``quoted'' (older wire and NYT style) -> curly double quotes
            mapped = OPEN_DOUBLE if ch == "`" else _straight_quote_direction(text, i, width=2)
            emit(mapped, i, 2)
            skip_next = True
            continue
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                continue  # CRLF: keep only the LF
            emit("\n", i)
            continue
        if ch in _LINE_BREAKS:
            emit("\n", i)
            continue
        if ch in _SPACES or unicodedata.category(ch) == "So":
            emit(" ", i)  # odd spaces, emoji and pictographs: the parser reads them as words
            continue
        if (
            ch == "”"
            and (i == 0 or text[i - 1] == "\n")
            and i + 1 < n
            and not text[i + 1].isspace()
        ):
            emit(OPEN_DOUBLE, i)  # a closing mark typed at the start of a paragraph opens it
            continue
        if (
            ch == "“"
            and i > 0
            and not text[i - 1].isspace()
            and (i + 1 == n or text[i + 1] in "\n\r")
        ):
            emit(CLOSE_DOUBLE, i)  # an opening mark typed at the end of a paragraph closes it
            continue
        if ch in _OPENERS:
            mapped = _OPENERS[ch] or _straight_quote_direction(text, i)
            prev = out[-1] if out else ""
            if mapped == OPEN_DOUBLE and prev and prev in DASHES:
                emit(" ", i)  # "—“" -> "— “"
            emit(mapped, i)
            continue
        if ch in _CLOSERS:
            emit(_CLOSERS[ch], i)
            continue
        if ch in DASHES:
            prev = out[-1] if out else ""
            if prev in (CLOSE_DOUBLE, "’", "'"):
                emit(" ", i)  # "”—since" -> "” — since"
            emit(ch, i)
            if i + 1 < n and text[i + 1] not in " \n" and prev in (CLOSE_DOUBLE, "’", "'", " "):
                emit(" ", i)
            continue
        emit(ch, i)
    offsets.append(n)
    return NormalisedText("".join(out), offsets, ends)
