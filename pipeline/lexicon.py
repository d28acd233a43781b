"""Derive the cue lexicon from attribution gold (PolNeAR train): which verbs report speech or
belief, how reliably, and which dependent carries the reported content.

The output (``pipeline/resources/cue_lexicon.tsv``) is a data file: facts counted from the
corpus, not corpus text. Rerun with ``claimtrace lexicon derive``.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from .components.structure.marks import find_quoted_spans

HEADER = (
    "# Cue verbs derived from attribution gold by `claimtrace lexicon derive`.\n"
    "# lemma<TAB>precision (share of the lemma's verb uses that are gold cues)<TAB>"
    "gold cue count<TAB>content relations, most frequent first (dep of the cue's child that\n"
    "# holds the content; prep:X = object of preposition X)\n"
)


def to_normalised(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Map original character offsets into ``doc.text`` (the normalised text)."""
    offsets = doc._.offset_map
    if offsets is None:
        return start, end
    s = bisect.bisect_left(offsets, start)
    e = bisect.bisect_left(offsets, end)
    return s, e


def cue_token(doc: Doc, start: int, end: int) -> Token | None:
    """The word that carries a gold cue span: its last verb, else its first word."""
    span = doc.char_span(*to_normalised(doc, start, end), alignment_mode="expand")
    if span is None or not len(span):
        return None
    verbs = [t for t in span if t.pos_ == "VERB"]
    return verbs[-1] if verbs else span[0]


def content_relation(cue: Token, content_chars: set[int]) -> str:
    """Which child of the cue holds most of the content."""
    best, best_overlap = "other", 0
    for child in cue.children:
        sub = child.doc[child.left_edge.i : child.right_edge.i + 1]
        chars = set(range(sub.start_char, sub.end_char))
        overlap = len(chars & content_chars)
        if overlap > best_overlap:
            best_overlap = overlap
            best = f"prep:{child.lower_}" if child.dep_ == "prep" else child.dep_
    return best


def child_relations(tok: Token) -> frozenset[str]:
    """The relations a verb's dependents stand in, in the lexicon's notation."""
    return frozenset(f"prep:{c.lower_}" if c.dep_ == "prep" else c.dep_ for c in tok.children)


def derive(nlp: Language, gold_docs: Iterable, min_count: int = 3, min_precision: float = 0.0,
           min_relation_share: float = 0.12) -> list[tuple[str, float, int, list[str]]]:
    """Rows ``(lemma, precision, count, relations)`` for verbs seen as gold cues.

    ``relations`` are the dependents that hold the content in at least ``min_relation_share``
    of the lemma's cues; ``precision`` is the share of the lemma's verb uses *that have one of
    those dependents* which are gold cues, i.e. how often the rule that uses the row is right.
    """
    cue_counts: Counter[str] = Counter()
    relations: dict[str, Counter[str]] = defaultdict(Counter)
    uses: dict[str, Counter[frozenset[str]]] = defaultdict(Counter)
    docs = list(gold_docs)
    for gold, doc in zip(docs, nlp.pipe((g.text for g in docs), batch_size=16), strict=True):
        quoted = {t.i for q in find_quoted_spans(doc) for t in q.span}
        for tok in doc:
            if tok.pos_ == "VERB" and tok.i not in quoted:  # the rules skip quoted verbs too
                uses[tok.lemma_.lower()][child_relations(tok)] += 1
        for quote in gold.quotes:
            if not quote.cue:
                continue
            tok = cue_token(doc, quote.cue[0][0], quote.cue[-1][1])
            if tok is None or tok.pos_ != "VERB":
                continue
            lemma = tok.lemma_.lower()
            cue_counts[lemma] += 1
            content = set()
            for s, e in quote.fragments:
                ns, ne = to_normalised(doc, s, e)
                content |= set(range(ns, ne))
            relations[lemma][content_relation(tok, content)] += 1
    rows = []
    for lemma, count in cue_counts.items():
        if count < min_count:
            continue
        rels = [r for r, n in relations[lemma].most_common()
                if n / count >= min_relation_share and r != "other"]
        wanted = set(rels or ["ccomp"])
        candidates = sum(n for rel_set, n in uses[lemma].items() if rel_set & wanted)
        with_rel = sum(n for r, n in relations[lemma].items() if r in wanted)
        precision = with_rel / max(candidates, with_rel, 1)
        if precision < min_precision:
            continue
        rows.append((lemma, round(precision, 3), count, rels))
    rows.sort(key=lambda r: -r[2])
    return rows


def write_lexicon(rows: list[tuple[str, float, int, list[str]]], path: str | Path) -> None:
    """Write derived rows as the TSV data file."""
    lines = [HEADER] + [f"{lemma}\t{p}\t{n}\t{','.join(rels)}\n" for lemma, p, n, rels in rows]
    Path(path).write_text("".join(lines), encoding="utf-8")
