"""Pairing quote marks in the normalised text (the normaliser has made every double quote
curly, so only “ ” and ‘ ’ need pairing here)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

OPEN_SINGLE_CONTEXT = set(" \n—–-(“")


@dataclass(frozen=True)
class QuotedSpan:
    """Characters between a pair of quote marks (marks included), as a token span."""

    span: Span
    words: int


def count_words(span: Span) -> int:
    """Words (alphabetic or number-like tokens) in ``span``."""
    return sum(1 for t in span if t.is_alpha or t.like_num)


def find_quoted_spans(doc: Doc) -> list[QuotedSpan]:
    """Pair quote marks in the normalised text. A quote left open at a paragraph end continues
    when the next paragraph opens with a quote mark (the newspaper convention)."""
    text = doc.text
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "“":
            open_at = i  # a second opener means the first was never closed: restart here
        elif ch == "”" and open_at is not None:
            pairs.append((open_at, i + 1))
            open_at = None
        elif ch == "\n" and open_at is not None:
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] == "“":
                i = j + 1  # multi-paragraph quote: skip the re-opening mark
                continue
            open_at = None
        elif ch == "‘" and open_at is None and (i == 0 or text[i - 1] in OPEN_SINGLE_CONTEXT):
            end = _close_single(text, i)
            if end is not None:
                pairs.append((i, end))
                i = end
                continue
        i += 1
    out: list[QuotedSpan] = []
    for start, end in pairs:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        out.append(QuotedSpan(span, count_words(span)))
    return out


def _close_single(text: str, start: int) -> int | None:
    j = start + 1
    while j < len(text) and text[j] != "\n":
        if (
            text[j] == "’"
            and text[j - 1] != " "
            and (j + 1 == len(text) or not text[j + 1].isalpha())
        ):
            return j + 1
        j += 1
    return None
