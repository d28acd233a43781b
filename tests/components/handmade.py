"""Hand-built Docs for component unit tests (as spaCy's own tests build them): words, heads,
dependencies, tags, lemmas and entities set by hand, so the tests need neither the spaCy model
nor ../shared. Not a test module."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from pipeline.components.structure.index import IndexBuilder
from pipeline.extensions import register_extensions

_NLP = None


def vocab():
    global _NLP
    if _NLP is None:
        register_extensions()
        _NLP = spacy.blank("en")
    return _NLP.vocab


def make_doc(rows: list[tuple], ents: list[tuple[int, int, str]] = (),
             sent_starts: list[int] = (0,)) -> Doc:
    """A parsed Doc from rows ``(word, head, dep, pos, tag, lemma[, space_after])``; ``head``
    is an absolute token index; ``sent_starts`` lists the first token of each sentence."""
    words = [r[0] for r in rows]
    spaces = [r[6] if len(r) > 6 else (i + 1 < len(rows) and not _glued(rows, i))
              for i, r in enumerate(rows)]
    starts = [i in sent_starts for i in range(len(rows))]
    doc = Doc(vocab(), words=words, spaces=spaces, heads=[r[1] for r in rows],
              deps=[r[2] for r in rows], pos=[r[3] for r in rows], tags=[r[4] for r in rows],
              lemmas=[r[5] for r in rows], sent_starts=starts,
              ents=_iob(len(rows), ents))
    return doc


def indexed(doc: Doc) -> Doc:
    """The doc after the ``claimtrace_index`` component."""
    return IndexBuilder()(doc)


def _glued(rows: list[tuple], i: int) -> bool:
    """No space before closing punctuation / after an opening quote mark."""
    nxt, cur = rows[i + 1][0], rows[i][0]
    return nxt in {",", ".", ":", ";", "!", "?", "”", "’"} or cur in {"“", "‘"} or nxt == "\n" \
        or cur == "\n"


def _iob(n: int, ents) -> list[str]:
    tags = ["O"] * n
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags
