"""Token features of the learned span tagger, the same at training and at run time.

Each token gets a row of categorical values (parse, entity, cue-lexicon, the rule stage's
candidates) and the spaCy model's own contextual vector (``doc.tensor``, from its tok2vec).
Whitespace tokens are left out; a document is cut into sequences at paragraph breaks (and
long paragraphs at sentence ends), which the tagger reads one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_SPACE, LEMMA, LOWER, ORTH, POS, SENT_START
from spacy.parts_of_speech import NAMES as _POS_NAMES
from spacy.tokens import Doc

from ...extensions import read_candidates
from ...resources import CueLexicon
from ..structure import DocIndex

LABELS = ("O", "B-C", "I-C", "B-Q", "I-Q", "B-S", "I-S")  # content, cue, source as BIO
FEATURES = ("dep", "pos", "ent", "lex", "gov", "rule", "rulecue", "marks", "shape", "lemma")
HASHED = {"lemma": 4096}  # features given by hash bucket (no vocabulary): name -> buckets
QUOTE_MARKS = frozenset("“”‘’\"'«»")
POS_NAMES = {int(k): v for k, v in _POS_NAMES.items()}
MAX_LEN = 160  # tokens per sequence at most; longer paragraphs are cut at sentence ends
GOVERNOR_STEPS = 4  # how far up the parse a cue word still "governs" a token


@dataclass
class DocFeatures:
    """The tagger's input for one document: ``cats`` (n_tokens x len(FEATURES) vocabulary
    ids), ``dense`` (n_tokens x width floats) and ``sequences`` (token index arrays)."""

    cats: np.ndarray
    dense: np.ndarray
    sequences: list[np.ndarray]


class FeatureVocab:
    """Value -> id for every categorical feature (0: unknown), saved with the model."""

    def __init__(self, values: dict[str, list[str]] | None = None) -> None:
        self.values = {name: list((values or {}).get(name, [])) for name in FEATURES}
        self._ids = {name: {v: i + 1 for i, v in enumerate(vals)}
                     for name, vals in self.values.items()}

    def sizes(self) -> list[int]:
        """Embedding table sizes (values + the unknown id; buckets for hashed features)."""
        return [HASHED[name] + 1 if name in HASHED else len(self.values[name]) + 1
                for name in FEATURES]

    def ids(self, name: str, value: str, grow: bool = False) -> int:
        table = self._ids[name]
        if value not in table and grow:
            self.values[name].append(value)
            table[value] = len(table) + 1
        return table.get(value, 0)

    def to_dict(self) -> dict[str, list[str]]:
        return {name: list(vals) for name, vals in self.values.items()}


def lexicon_kind(lemma: str, lower: str, lexicon: CueLexicon,
                 first_words: frozenset[str]) -> str:
    """The cue-lexicon class of a word: hand kind, derived reliability band, or none."""
    hand = lexicon.kind_of.get(lemma) or lexicon.kind_of.get(lower) or "-"
    if lexicon.is_blocked(lemma):
        derived = "blocked"
    elif lemma in lexicon.relations:
        derived = "derived"
    else:
        derived = "-"
    if lower in first_words:
        derived += "+phrase"
    return f"{hand}|{derived}"


def is_cue_kind(kind: str) -> bool:
    """Whether a ``lexicon_kind`` value makes the word a cue for the ``governor`` feature."""
    return not kind.startswith("-|-") and "blocked" not in kind


def shape(text: str, is_punct: bool, like_num: bool, is_title: bool, is_upper: bool) -> str:
    """A coarse word shape: punctuation kind, capitalisation, digits."""
    if text in QUOTE_MARKS:
        return "quote"
    if is_punct:
        return text if text in {",", ".", ":", ";", "(", ")", "—", "-", "?", "!"} else "punct"
    if like_num:
        return "num"
    if is_title:
        return "title"
    if is_upper:
        return "upper"
    return "lower"


def governors(heads: np.ndarray, deps: list[str], is_cue: np.ndarray) -> list[str]:
    """Per token, the relation under which the nearest cue word above it (at most
    ``GOVERNOR_STEPS`` up the parse) reaches it ("ccomp", "nsubj", ...), "self" for a cue
    word, "none" when no cue word is near above."""
    n = len(heads)
    out = np.full(n, -1, dtype=np.int64)  # index of the child on the path, -2: self
    out[is_cue] = -2
    child = np.arange(n)
    node = heads.copy()
    open_ = ~is_cue
    for _ in range(GOVERNOR_STEPS):
        moving = open_ & (node != child)
        hit = moving & is_cue[node]
        out[hit] = child[hit]
        open_ = moving & ~hit
        child, node = node, heads[node]
    return ["self" if k == -2 else "none" if k == -1 else deps[k] for k in out]


def sequences(doc: Doc, index: DocIndex, is_space: np.ndarray,
              sent_start: np.ndarray) -> list[np.ndarray]:
    """Token indices of each paragraph (whitespace left out), long paragraphs cut at
    sentence ends into pieces of at most ``MAX_LEN`` tokens."""
    tokens = np.flatnonzero(~is_space)
    if not len(tokens):
        return []
    paragraph = np.asarray(index.paragraph)[tokens]
    cuts = np.flatnonzero(np.diff(paragraph)) + 1
    out: list[np.ndarray] = []
    for para in np.split(tokens, cuts):
        piece_start = 0
        for k in range(len(para)):
            size = k - piece_start
            if size >= MAX_LEN or (sent_start[para[k]] and size > MAX_LEN // 2):
                out.append(para[piece_start:k])
                piece_start = k
        out.append(para[piece_start:])
    return out


def doc_features(doc: Doc, vocab: FeatureVocab, lexicon: CueLexicon,
                 first_words: frozenset[str], grow: bool = False,
                 index: DocIndex | None = None) -> DocFeatures:
    """Features of every token of ``doc`` (after the quotes component). ``grow`` adds unseen
    values to ``vocab`` (training only)."""
    index = index or DocIndex(doc)
    n = len(doc)
    arr = doc.to_array([DEP, POS, ENT_TYPE, LEMMA, LOWER, ORTH, HEAD, IS_SPACE, SENT_START])
    strings = doc.vocab.strings
    heads = np.arange(n) + arr[:, 6].astype(np.int64)
    is_space = arr[:, 7].astype(bool)
    sent_start = arr[:, 8].astype(np.int64) == 1

    def by_value(column: np.ndarray, text_of) -> list[str]:
        values, inverse = np.unique(column, return_inverse=True)
        names = [text_of(v) for v in values]
        return [names[k] for k in inverse.reshape(-1)]

    deps = by_value(arr[:, 0], lambda h: strings[int(h)].lower())
    pos = by_value(arr[:, 1], lambda p: POS_NAMES.get(int(p), ""))
    ents = by_value(arr[:, 2], lambda h: strings[int(h)] if h else "O")
    pairs, inverse = np.unique(arr[:, 3:5], axis=0, return_inverse=True)
    pair_kinds = [lexicon_kind(strings[int(lemma)].lower(), strings[int(lower)], lexicon,
                               first_words) for lemma, lower in pairs]
    kinds = [pair_kinds[k] for k in inverse.reshape(-1)]
    is_cue = np.array([is_cue_kind(k) for k in kinds], dtype=bool)

    def lex_shape(orth: int) -> str:
        lex = doc.vocab[int(orth)]
        return shape(lex.orth_, lex.is_punct, lex.like_num, lex.is_title, lex.is_upper)

    shapes = by_value(arr[:, 5], lex_shape)
    rule = ["O"] * n
    rulecue = ["O"] * n
    for cand in read_candidates(doc):
        for i in range(cand.content.start, cand.content.end):
            rule[i] = f"{'B' if i == cand.content.start else 'I'}-{cand.type}"
        if cand.cue is not None:
            for i in range(cand.cue.start, cand.cue.end):
                rulecue[i] = str(cand.how or "cue")
    marks = ["space" if is_space[i] else "mark" if shapes[i] == "quote" else
             "in" if index.in_marks[i] else "out" for i in range(n)]
    columns = (deps, pos, ents, kinds, governors(heads, deps, is_cue), rule, rulecue, marks,
               shapes)
    cats = np.zeros((n, len(FEATURES)), dtype=np.int64)
    for k, (name, values) in enumerate(zip(FEATURES, columns, strict=False)):
        ids = {v: vocab.ids(name, v, grow) for v in set(values)}
        cats[:, k] = [ids[v] for v in values]
    # the word itself, by its lemma's (stable) spaCy hash: 4,096 buckets, no vocabulary
    cats[:, FEATURES.index("lemma")] = (arr[:, 3] % np.uint64(HASHED["lemma"])).astype(
        np.int64) + 1
    dense = doc.tensor if doc.tensor is not None and len(doc.tensor) == n else None
    if dense is None or dense.ndim != 2:
        raise ValueError("doc.tensor is not set: the span tagger needs the spaCy model's tok2vec")
    return DocFeatures(cats=cats, dense=np.asarray(dense, dtype=np.float32),
                       sequences=sequences(doc, index, is_space, sent_start))


def first_words_of(phrases: Iterable[str]) -> frozenset[str]:
    """First words of the multi-word cues ("according" of "according to")."""
    return frozenset(p.split()[0] for p in phrases if p.split())
