"""Planted near-duplicates: "same story, small edits" variants of an article, for measuring the
near-duplicate detector (benchmarks/corpus.py) and testing it (tests/test_corpus_dedupe.py).

A variant gets two to four of these edits, the kind that separate two outlets' copies of one wire
story or an update of an article: a new headline, a paragraph dropped, a paragraph added, 2-8 %
of the words replaced, other quote marks and spacing.
"""

from __future__ import annotations

import random
import re

EXTRA_PARAGRAPHS = (
    "This story has been updated with additional reporting.",
    "A spokesperson did not immediately respond to a request for comment on Friday.",
    "The Associated Press contributed to this report.",
    "Correction: an earlier version of this article misstated the date of the meeting.",
)
FILLER = ("reportedly", "also", "however", "recently", "notably", "officials", "Tuesday",
          "statement", "several", "former", "local", "national", "new")


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _new_headline(parts: list[str], rng: random.Random) -> None:
    words = parts[0].split()
    rng.shuffle(words)
    parts[0] = rng.choice(("UPDATE: ", "", "Analysis: ")) + " ".join(words)


def _drop_paragraph(parts: list[str], rng: random.Random) -> None:
    if len(parts) >= 5:
        del parts[rng.randrange(1, len(parts))]


def _add_paragraph(parts: list[str], rng: random.Random) -> None:
    parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(EXTRA_PARAGRAPHS))


def _reword(parts: list[str], rng: random.Random) -> None:
    rate = rng.uniform(0.02, 0.08)
    for i in range(1, len(parts)):
        words = parts[i].split(" ")
        for j in range(len(words)):
            if rng.random() < rate:
                words[j] = rng.choice(FILLER)
        parts[i] = " ".join(words)


def _restyle(parts: list[str], rng: random.Random) -> None:
    for i, part in enumerate(parts):
        part = re.sub(r'"(\S[^"]*?)"', "“\\1”", part) if rng.random() < 0.5 else part
        parts[i] = re.sub(r" {1,}", lambda m: " " if rng.random() < 0.95 else "  ", part)


EDITS = (_new_headline, _drop_paragraph, _add_paragraph, _reword, _restyle)


def near_duplicate(text: str, rng: random.Random) -> str:
    """A variant of ``text`` with 2-4 small edits (always including rewording, so the text
    differs in words and not only in layout)."""
    parts = paragraphs(text)
    edits = rng.sample([e for e in EDITS if e is not _reword], rng.randint(1, 3)) + [_reword]
    for edit in sorted(edits, key=EDITS.index):
        edit(parts, rng)
    return "\n\n".join(parts) + "\n"
