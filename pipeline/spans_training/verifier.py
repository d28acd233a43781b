"""Fitting the span verifier (pipeline/components/spans/verify.py) on gold articles.

The pipeline runs to the span stage with the verifier off; every indirect attribution it
proposes becomes one row of features, labelled 1 when its content covers a gold content (at
the evaluator's 0.3 overlap, any type), else 0. The rows must come from articles the tagger
never trained on (PolNeAR train's held-out slice, dev): on its own training articles the
tagger is surer than it will be on new text. Only numbers are kept, no text."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from spacy.language import Language

from ..components.spans.verify import FEATURES, Verifier
from ..evaluate.items import GoldDoc
from ..evaluate.matching import overlap_score
from ..record import OffsetMapper
from .data import AFTER_FEATURES

MATCH = 0.3  # the evaluator's overlap for a match


def collect_rows(nlp: Language, docs: list[GoldDoc], batch_size: int = 16,
                 step: Callable[[int], None] = lambda n: None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and article index of every indirect attribution the span stage
    proposes (before any verifier) on ``docs``."""
    spans = nlp.get_pipe("spans")
    rows, labels, owner = [], [], []
    with nlp.select_pipes(disable=[p for p in AFTER_FEATURES if p in nlp.pipe_names]):
        parsed = nlp.pipe((g.text for g in docs), batch_size=batch_size)
        for start in range(0, len(docs), batch_size):
            batch = [next(parsed) for _ in docs[start : start + batch_size]]
            for k, (doc, index, merged, probs) in enumerate(spans.candidates(batch)):
                gold = docs[start + k]
                found, feats = spans.verifier_rows(doc, index, merged, probs)
                mapper = OffsetMapper(doc)
                for members, row in zip(found, feats, strict=True):
                    frags = []
                    for m in members:
                        s = mapper.span(merged[m].quote.content)
                        frags.append((s["start"], s["end"]))
                    best = max((overlap_score(frags, g.fragments) for g in gold.quotes),
                               default=0.0)
                    rows.append(row)
                    labels.append(int(best >= MATCH))
                    owner.append(start + k)
            step(len(batch))
    width = len(FEATURES)
    return (np.asarray(rows, dtype=np.float64).reshape(-1, width), np.asarray(labels),
            np.asarray(owner))


def fit(rows: np.ndarray, labels: np.ndarray, threshold: float, c: float = 1.0) -> Verifier:
    """A logistic regression on standardised features, folded back to raw-feature weights."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((rows - mean) / scale, labels)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return Verifier(weights, bias, threshold)


def folds(owner: np.ndarray, n: int) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Train/test row masks, split by article (article k goes to fold k % n)."""
    for f in range(n):
        test = owner % n == f
        yield ~test, test
