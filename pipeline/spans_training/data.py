"""Training data for the span tagger: PolNeAR-style gold (brat) turned into one tag per token
(content, cue, source; BIO), next to the features the pipeline computes for the same text.

Only features, tags and token counts are written (a ``.npz`` outside the repository); no
article text is kept. The held-out slice (every ``HELD_OUT_EVERY``-th article of the sorted
training folder, the 1st, 7th, 13th, ...) is never used: it is the estimate for unseen news
(``claimtrace evaluate --gold .../train --format brat --every 6``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..components.spans.features import LABELS, DocFeatures, FeatureVocab, doc_features
from ..components.spans.wordvectors import WordVectors
from ..evaluate.items import GoldDoc

HELD_OUT_EVERY = 6
# Components that must not run when features are made: the tagger reads the rule stage's
# candidates, before attribution.
AFTER_FEATURES = ("spans", "attribution", "claims", "stance")


def training_docs(docs: list[GoldDoc], every: int = HELD_OUT_EVERY) -> list[GoldDoc]:
    """The articles a model may train on: all but every ``every``-th (sorted by name)."""
    ordered = sorted(docs, key=lambda d: d.id)
    return [d for k, d in enumerate(ordered) if k % every != 0]


def held_out_docs(docs: list[GoldDoc], every: int = HELD_OUT_EVERY) -> list[GoldDoc]:
    """The held-out slice: every ``every``-th article, starting with the first."""
    return sorted(docs, key=lambda d: d.id)[::every]


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Tokens covering original characters [start, end) (through the normaliser's map)."""
    offsets = doc._.offset_map
    if offsets is not None:
        start, end = bisect.bisect_left(offsets, start), bisect.bisect_left(offsets, end)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.start, span.end


def gold_tags(doc: Doc, gold: GoldDoc) -> np.ndarray:
    """One label id (``LABELS``) per token: content fragments, cues and sources as BIO."""
    tags = np.zeros(len(doc), dtype=np.int64)
    for quote in gold.quotes:
        parts = [("C", quote.fragments), ("Q", quote.cue or []), ("S", quote.source or [])]
        for role, fragments in parts:
            for s, e in fragments:
                bounds = _token_range(doc, s, e)
                if bounds is None:
                    continue
                first = True
                for i in range(*bounds):
                    if doc[i].is_space:
                        continue
                    tags[i] = LABELS.index(f"{'B' if first else 'I'}-{role}")
                    first = False
    return tags


@dataclass
class Example:
    """Features and gold tags of one document."""

    features: DocFeatures
    tags: np.ndarray


def make_examples(nlp: Language, docs: Iterable[GoldDoc], vocab: FeatureVocab, lexicon,
                  first_words: frozenset[str], grow: bool,
                  word_vectors: WordVectors | None = None) -> Iterator[Example]:
    """Run the pipeline up to the rule stage on each gold text and pair features with tags."""
    docs = list(docs)
    disabled = [name for name in AFTER_FEATURES if name in nlp.pipe_names]
    with nlp.select_pipes(disable=disabled):
        for gold, doc in zip(docs, nlp.pipe((g.text for g in docs), batch_size=8), strict=True):
            feats = doc_features(doc, vocab, lexicon, first_words, grow=grow,
                                 word_vectors=word_vectors)
            yield Example(feats, gold_tags(doc, gold))


def save_examples(examples: list[Example], path: Path) -> None:
    """Write examples as one ``.npz`` (features and tags only, no text)."""
    offsets, cats, dense, tags, seq_starts, seq_tokens = [0], [], [], [], [0], []
    for ex in examples:
        base = offsets[-1]
        cats.append(ex.features.cats)
        dense.append(ex.features.dense.astype(np.float16))
        tags.append(ex.tags)
        for seq in ex.features.sequences:
            seq_tokens.append(seq + base)
            seq_starts.append(seq_starts[-1] + len(seq))
        offsets.append(base + len(ex.tags))
    np.savez_compressed(path, cats=np.concatenate(cats), dense=np.concatenate(dense),
                        tags=np.concatenate(tags), seq_starts=np.asarray(seq_starts),
                        seq_tokens=np.concatenate(seq_tokens), doc_offsets=np.asarray(offsets))


def load_examples(path: Path) -> dict[str, np.ndarray]:
    """The arrays ``save_examples`` wrote."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
