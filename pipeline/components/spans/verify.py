"""A last check on reported speech: a logistic model that keeps or drops each indirect
candidate from what the tagger, the cue lexicon and the parse say about it.

The span tagger's mean probability alone is a weak gate: lowered, it finds more of the
reported speech the rules miss ("X criticized the plan") and lets through as many clauses
that report nobody. The verifier reads a few dozen facts about a candidate (how it was found,
the tagger's probabilities of content, cue and source, the cue word's precision as a cue in
PolNeAR train, what governs the content in the parse, its length) and scores them together.
Its weights (``verifier.json`` in the tagger's folder) are fitted by ``claimtrace spans
verifier`` on candidates from articles the tagger never saw (pipeline/spans_training/
verifier.py)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span

from ...types import CueKind, QuoteType
from .features import LABELS

VERIFIER = "verifier.json"
HOW = (CueKind.SYNTAX, CueKind.ACCORDING_TO, CueKind.NOUN, CueKind.COLON)
ROOT_DEPS = ("ccomp", "xcomp", "dobj", "pobj", "advcl", "conj", "nsubj", "ROOT", "acl", "relcl")
SUBJECTS = ("person", "group", "pronoun", "noun")
PERSON_PRONOUNS = frozenset(["he", "she", "they", "i", "we", "you", "it"])
GROUP_ENTS = frozenset({"ORG", "NORP", "GPE"})
WH = frozenset(["whether", "if", "how", "what", "why", "who", "when", "where", "which"])
_P = {label: LABELS.index(label) for label in LABELS}

FEATURES: tuple[str, ...] = (
    "origin_rule", "origin_both", "origin_tagger",
    "p_inside", "p_content", "p_content_min", "p_cue", "p_source",
    "has_cue", *(f"how_{h}" for h in HOW),
    "cue_precision", "cue_known", "cue_hand", "cue_is_verb", "cue_is_noun",
    "has_source", *(f"subject_{s}" for s in SUBJECTS),
    "log_tokens", "fragments", "has_verb", "starts_that", "starts_to", "starts_wh",
    *(f"root_{d}" for d in ROOT_DEPS), "root_under_cue", "before_cue", "log_gap",
    "short_paragraph", "in_marks_share",
)


@dataclass(frozen=True)
class Verifier:
    """Logistic weights over :data:`FEATURES` (already scaled) and the keep threshold."""

    weights: np.ndarray
    bias: float
    threshold: float
    names: tuple[str, ...] = FEATURES

    @classmethod
    def from_file(cls, path: str | Path) -> Verifier:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> Verifier:
        names = tuple(data["features"])
        if names != FEATURES:
            missing = sorted(set(FEATURES) ^ set(names))
            raise ValueError(f"verifier features differ from this version's: {missing}")
        return cls(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),
                   float(data["threshold"]), names)

    def to_dict(self, **facts) -> dict:
        return {"features": list(self.names), "weights": [round(float(w), 6)
                                                          for w in self.weights],
                "bias": round(self.bias, 6), "threshold": self.threshold, **facts}

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Probability that each row (one candidate's features) is reported speech."""
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))


def groups(types: Sequence[QuoteType], group_ids: Sequence[int | None]) -> list[list[int]]:
    """Indexes of candidates that form one indirect attribution (fragments of one tagged
    group together; an ungrouped candidate alone), in text order."""
    out: list[list[int]] = []
    by_group: dict[int, list[int]] = {}
    for k, (type_, group) in enumerate(zip(types, group_ids, strict=True)):
        if type_ != QuoteType.INDIRECT:
            continue
        if group is None:
            out.append([k])
        elif group in by_group:
            by_group[group].append(k)
        else:
            by_group[group] = [k]
            out.append(by_group[group])
    return out


def leads_its_cue(candidate) -> bool:
    """A rule candidate whose content ends before its cue starts ('A, argues X')."""
    quote = candidate.quote
    return (candidate.origin == "rule" and quote.cue is not None
            and quote.content.end <= quote.cue.start)


class FeatureReader:
    """Computes :data:`FEATURES` for candidates of one document."""

    def __init__(self, doc: Doc, probs: np.ndarray, paragraph: list[int], in_marks: list[bool],
                 precision: dict[str, float], hand: dict[str, str]) -> None:
        self.doc = doc
        self.probs = probs
        self.paragraph = paragraph
        self.in_marks = in_marks
        self.precision = precision
        self.hand = hand
        self.paragraph_size = Counter(paragraph)

    def _mean(self, spans: Sequence[Span], labels: tuple[str, ...]) -> tuple[float, float]:
        idx = [t.i for s in spans for t in s if not t.is_space]
        if not idx:
            return 0.0, 0.0
        p = self.probs[idx][:, [_P[label] for label in labels]].sum(axis=1)
        return float(p.mean()), float(p.min())

    def row(self, contents: list[Span], cue: Span | None, how: CueKind | None,
            source: Span | None, origin: str) -> np.ndarray:
        f = dict.fromkeys(FEATURES, 0.0)
        f[f"origin_{origin}"] = 1.0
        f["p_inside"] = 1.0 - self._mean(contents, ("O",))[0]
        f["p_content"], f["p_content_min"] = self._mean(contents, ("B-C", "I-C"))
        words = [t for s in contents for t in s if not t.is_space]
        first = words[0] if words else contents[0][0]
        root = contents[0].root
        if cue is not None:
            f["has_cue"] = 1.0
            f["p_cue"] = self._mean([cue], ("B-Q", "I-Q"))[0]
            if how in HOW:
                f[f"how_{how}"] = 1.0
            head = cue.root
            lemma = head.lemma_.lower()
            if lemma in self.precision:
                f["cue_known"] = 1.0
                f["cue_precision"] = self.precision[lemma]
            f["cue_hand"] = float(lemma in self.hand or head.lower_ in self.hand)
            f["cue_is_verb"] = float(head.pos_ in ("VERB", "AUX"))
            f["cue_is_noun"] = float(head.pos_ in ("NOUN", "PROPN"))
            subject = next((c for t in cue for c in t.children
                            if c.dep_ in ("nsubj", "nsubjpass", "poss")), None)
            if subject is not None:
                f[f"subject_{_subject_kind(subject)}"] = 1.0
            cue_tokens = {t.i for t in cue}
            f["root_under_cue"] = float(root.head.i in cue_tokens
                                        or any(a.i in cue_tokens for a in root.ancestors))
            f["before_cue"] = float(contents[-1].end <= cue.start)
            gap = cue.start - contents[-1].end if f["before_cue"] else contents[0].start - cue.end
            f["log_gap"] = math.log1p(max(gap, 0))
        if source is not None:
            f["has_source"] = 1.0
            f["p_source"] = self._mean([source], ("B-S", "I-S"))[0]
        f["log_tokens"] = math.log1p(len(words))
        f["fragments"] = float(len(contents))
        f["has_verb"] = float(any(t.pos_ in ("VERB", "AUX") for t in words))
        f["starts_that"] = float(first.lower_ == "that")
        f["starts_to"] = float(first.lower_ == "to")
        f["starts_wh"] = float(first.lower_ in WH)
        if root.dep_ in ROOT_DEPS:
            f[f"root_{root.dep_}"] = 1.0
        f["short_paragraph"] = float(self.paragraph_size[self.paragraph[contents[0].start]] < 20)
        f["in_marks_share"] = (sum(self.in_marks[t.i] for t in words) / len(words)
                               if words else 0.0)
        return np.fromiter((f[name] for name in FEATURES), dtype=np.float64, count=len(FEATURES))


def _subject_kind(token) -> str:
    if token.ent_type_ == "PERSON":
        return "person"
    if token.ent_type_ in GROUP_ENTS:
        return "group"
    if token.pos_ == "PRON" or token.lower_ in PERSON_PRONOUNS:
        return "pronoun"
    return "noun"
