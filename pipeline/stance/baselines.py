"""Baselines reported next to the model: majority class and TF-IDF + logistic regression."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from pipeline.stance.model import mark_mention


class MajorityBaseline:
    """Predicts the most frequent training label."""

    def fit(self, examples: Sequence[dict]) -> MajorityBaseline:
        self.label = Counter(e["label"] for e in examples).most_common(1)[0][0]
        return self

    def predict(self, examples: Sequence[dict]) -> list[int]:
        return [self.label] * len(examples)


class TfidfLRBaseline:
    """TF-IDF (word 1-2 grams) of target and of text, side by side, into logistic regression."""

    def __init__(self, seed: int = 13) -> None:
        self.target_vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.text_vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.clf = LogisticRegression(max_iter=2000, C=2.0, random_state=seed)

    @staticmethod
    def _texts(examples: Sequence[dict]) -> tuple[list[str], list[str]]:
        return ([e["target"] for e in examples],
                [mark_mention(e["text"], e.get("mention")) for e in examples])

    def fit(self, examples: Sequence[dict]) -> TfidfLRBaseline:
        targets, texts = self._texts(examples)
        x = hstack([self.target_vec.fit_transform(targets), self.text_vec.fit_transform(texts)])
        self.clf.fit(x, [e["label"] for e in examples])
        return self

    def predict(self, examples: Sequence[dict]) -> list[int]:
        targets, texts = self._texts(examples)
        x = hstack([self.target_vec.transform(targets), self.text_vec.transform(texts)])
        return [int(p) for p in self.clf.predict(x)]
