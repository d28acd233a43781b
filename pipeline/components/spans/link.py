"""From tags to attributions: the tagger marks content, cue and source spans separately; this
groups them the way PolNeAR does, one cue with its content fragments and its source.

A content goes to the cue of its paragraph (at most ``max_gap`` tokens away) that governs
it in the parse, else to the nearest cue of its sentence, else to a cue just across a
sentence end ('“…” he said.'). Contents of one cue are the
fragments of one attribution ('“A,” he said, “B.”'). A cue's source is the source span that
is its subject, else the nearest one in its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc, Span, Token

from ..structure import DocIndex
from .features import LABELS

GOVERN_STEPS = 4
NEAR = 3  # a cue this few tokens from a content links to it across a sentence end


@dataclass
class Chunk:
    """A tagged span (token offsets) and the tagger's mean probability of its tags."""

    start: int
    end: int
    confidence: float


@dataclass
class Attribution:
    """Content fragments (in text order), their cue and source, as the tagger found them."""

    contents: list[Chunk]
    cue: Chunk | None = None
    source: Chunk | None = None
    extra: dict = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        return float(np.mean([c.confidence for c in self.contents]))

    @property
    def start(self) -> int:
        return self.contents[0].start

    @property
    def end(self) -> int:
        return self.contents[-1].end


def chunks(tags: np.ndarray, probs: np.ndarray, role: str) -> list[Chunk]:
    """Spans of one role ("C", "Q", "S") from per-token label ids (-1: whitespace, skipped)."""
    begin, inside = LABELS.index(f"B-{role}"), LABELS.index(f"I-{role}")
    tokens = np.flatnonzero(tags >= 0)
    seq = tags[tokens]
    starts = np.flatnonzero(seq == begin)
    out: list[Chunk] = []
    for k in starts:
        end = k + 1
        while end < len(seq) and seq[end] == inside:
            end += 1
        members = tokens[k:end]
        conf = float(probs[members, seq[k:end]].mean())
        out.append(Chunk(int(members[0]), int(members[-1]) + 1, conf))
    return out


def _root(doc: Doc, chunk: Chunk) -> Token:
    return doc[chunk.start : chunk.end].root


def _governs(cue: Chunk, node: Token) -> bool:
    """A token of ``cue`` is ``node``'s head, or its head's head ... (a few steps up)."""
    for _ in range(GOVERN_STEPS):
        if node.head is node:
            return False
        node = node.head
        if cue.start <= node.i < cue.end:
            return True
    return False


def _gap(a: Chunk, b: Chunk) -> int:
    return max(a.start - b.end, b.start - a.end, 0)


def link(doc: Doc, index: DocIndex, contents: list[Chunk], cues: list[Chunk],
         sources: list[Chunk], max_gap: int = 40) -> list[Attribution]:
    """Group tagged spans into attributions (contents without any cue near are dropped)."""
    by_cue: dict[int, list[Chunk]] = {}
    for content in contents:
        cue = _cue_for(doc, index, content, cues, max_gap)
        if cue is not None:
            by_cue.setdefault(cue, []).append(content)
    out = []
    for k, parts in sorted(by_cue.items(), key=lambda kv: kv[1][0].start):
        cue = cues[k]
        out.append(Attribution(sorted(parts, key=lambda c: c.start), cue,
                               _source_for(doc, index, cue, sources)))
    return out


def _cue_for(doc: Doc, index: DocIndex, content: Chunk, cues: list[Chunk],
             max_gap: int) -> int | None:
    root = _root(doc, content)
    para = index.paragraph[content.start]
    sent = index.sentence[content.start], index.sentence[content.end - 1]
    best: tuple[tuple, int] | None = None
    for k, cue in enumerate(cues):
        if index.paragraph[cue.start] != para:
            continue
        gap = _gap(cue, content)
        governs = _governs(cue, root)
        same_sentence = sent[0] <= index.sentence[cue.start] <= sent[1]
        if gap > max_gap or not (governs or same_sentence or gap <= NEAR):
            continue
        key = (not governs, not same_sentence, gap)
        if best is None or key < best[0]:
            best = (key, k)
    return None if best is None else best[1]


def _source_for(doc: Doc, index: DocIndex, cue: Chunk, sources: list[Chunk]) -> Chunk | None:
    cue_sent = index.sentence[cue.start]
    cue_span = doc[cue.start : cue.end]
    best: tuple[tuple, Chunk] | None = None
    for source in sources:
        if index.sentence[source.start] != cue_sent:
            continue
        root = _root(doc, source)
        subject = root.head.i in range(cue_span.start, cue_span.end) and root.dep_ in (
            "nsubj", "nsubjpass", "pobj", "agent")
        key = (not subject, _gap(cue, source))
        if best is None or key < best[0]:
            best = (key, source)
    return None if best is None else best[1]


def span(doc: Doc, chunk: Chunk | None) -> Span | None:
    return None if chunk is None else doc[chunk.start : chunk.end]
