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
from .wordvectors import WordVectors

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


def governor_codes(heads: np.ndarray, is_cue: np.ndarray) -> np.ndarray:
    """Per token, the index of the child through which the nearest cue word above it (at
    most ``GOVERNOR_STEPS`` up the parse) reaches it; -2 for a cue word itself, -1 when no
    cue word is near above."""
    n = len(heads)
    out = np.full(n, -1, dtype=np.int64)
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
    return out


def governors(heads: np.ndarray, deps: list[str], is_cue: np.ndarray) -> list[str]:
    """Per token, the relation under which the nearest cue word above it reaches it
    ("ccomp", "nsubj", ...), "self" for a cue word, "none" when no cue word is near above."""
    return ["self" if k == -2 else "none" if k == -1 else deps[k]
            for k in governor_codes(heads, is_cue)]


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


def rule_columns(doc: Doc, n: int) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """The rule stage's candidates as two token columns: BIO of each candidate's content
    type ("B-direct", "I-indirect", "O") and how its cue was found ("O" outside cues), as
    names and per-token indices into them."""
    rule_names, cue_names = ["O"], ["O"]
    rule = np.zeros(n, dtype=np.int64)
    cue = np.zeros(n, dtype=np.int64)

    def code(names: list[str], name: str) -> int:
        if name not in names:
            names.append(name)
        return names.index(name)

    for cand in read_candidates(doc):
        start, end = cand.content.start, cand.content.end
        if end > start:
            rule[start:end] = code(rule_names, f"I-{cand.type}")
            rule[start] = code(rule_names, f"B-{cand.type}")
        if cand.cue is not None:
            cue[cand.cue.start:cand.cue.end] = code(cue_names, str(cand.how or "cue"))
    return rule_names, rule, cue_names, cue


def doc_features(doc: Doc, vocab: FeatureVocab, lexicon: CueLexicon,
                 first_words: frozenset[str], grow: bool = False,
                 index: DocIndex | None = None,
                 word_vectors: WordVectors | None = None) -> DocFeatures:
    """Features of every token of ``doc`` (after the quotes component). ``grow`` adds unseen
    values to ``vocab`` (training only). Each feature is computed once per distinct value
    in the document and spread to the tokens with numpy. With ``word_vectors`` each token's
    static word vector follows the tok2vec vector in ``dense``."""
    index = index or DocIndex(doc)
    n = len(doc)
    arr = doc.to_array([DEP, POS, ENT_TYPE, LEMMA, LOWER, ORTH, HEAD, IS_SPACE, SENT_START])
    strings = doc.vocab.strings
    heads = np.arange(n) + arr[:, 6].astype(np.int64)
    is_space = arr[:, 7].astype(bool)
    sent_start = arr[:, 8].astype(np.int64) == 1
    cats = np.zeros((n, len(FEATURES)), dtype=np.int64)

    def encode(name: str, names: list[str], inverse: np.ndarray) -> np.ndarray:
        """Vocabulary ids of ``names[inverse]`` (one name per distinct value)."""
        inverse = inverse.reshape(-1)
        ids = np.zeros(len(names), dtype=np.int64)
        for i in np.unique(inverse).tolist():
            ids[i] = vocab.ids(name, names[i], grow)
        return ids[inverse]

    def column(k: int, text_of) -> tuple[list[str], np.ndarray]:
        values, inverse = np.unique(arr[:, k], return_inverse=True)
        return [text_of(v) for v in values], inverse.reshape(-1)

    dep_names, dep_inv = column(0, lambda h: strings[int(h)].lower())
    cats[:, 0] = encode("dep", dep_names, dep_inv)
    cats[:, 1] = encode("pos", *column(1, lambda p: POS_NAMES.get(int(p), "")))
    cats[:, 2] = encode("ent", *column(2, lambda h: strings[int(h)] if h else "O"))
    pairs, pair_inv = np.unique(arr[:, 3:5], axis=0, return_inverse=True)
    pair_kinds = [lexicon_kind(strings[int(lemma)].lower(), strings[int(lower)], lexicon,
                               first_words) for lemma, lower in pairs]
    pair_inv = pair_inv.reshape(-1)
    cats[:, 3] = encode("lex", pair_kinds, pair_inv)
    is_cue = np.array([is_cue_kind(k) for k in pair_kinds], dtype=bool)[pair_inv]
    gov_names = ["self", "none", *dep_names]
    gov_codes = governor_codes(heads, is_cue)  # -2 self, -1 none, else the child's index
    gov_inv = np.where(gov_codes == -2, 0, np.where(gov_codes == -1, 1, 0))
    gov_inv[gov_codes >= 0] = 2 + dep_inv[gov_codes[gov_codes >= 0]]
    cats[:, 4] = encode("gov", gov_names, gov_inv)

    def lex_shape(orth: int) -> str:
        lex = doc.vocab[int(orth)]
        return shape(lex.orth_, lex.is_punct, lex.like_num, lex.is_title, lex.is_upper)

    shape_names, shape_inv = column(5, lex_shape)
    rule_names, rule_inv, cue_names, cue_inv = rule_columns(doc, n)
    cats[:, 5] = encode("rule", rule_names, rule_inv)
    cats[:, 6] = encode("rulecue", cue_names, cue_inv)
    is_quote = np.array([s == "quote" for s in shape_names], dtype=bool)[shape_inv]
    in_marks = np.asarray(index.in_marks, dtype=bool)
    marks = np.where(is_space, 0, np.where(is_quote, 1, np.where(in_marks, 2, 3)))
    cats[:, 7] = encode("marks", ["space", "mark", "in", "out"], marks)
    cats[:, 8] = encode("shape", shape_names, shape_inv)
    # the word itself, by its lemma's (stable) spaCy hash: 4,096 buckets, no vocabulary
    cats[:, FEATURES.index("lemma")] = (arr[:, 3] % np.uint64(HASHED["lemma"])).astype(
        np.int64) + 1
    dense = doc.tensor if doc.tensor is not None and len(doc.tensor) == n else None
    if dense is None or dense.ndim != 2:
        raise ValueError("doc.tensor is not set: the span tagger needs the spaCy model's tok2vec")
    dense = np.asarray(dense, dtype=np.float32)
    if word_vectors is not None:
        lowers, lower_inv = column(4, lambda h: strings[int(h)])
        lowers = ["" if s.isspace() else s for s in lowers]
        dense = np.hstack([dense, word_vectors.vectors(lowers)[lower_inv]])
    return DocFeatures(cats=cats, dense=dense,
                       sequences=sequences(doc, index, is_space, sent_start))


def translate(feats: DocFeatures, source: FeatureVocab, target: FeatureVocab,
              width: int) -> DocFeatures:
    """The same tokens' features for a tagger with another vocabulary (ids of the same values
    in its order; values it lacks become unknown) and a dense input of ``width`` columns.
    Dense columns keep their order (the tok2vec vector first, static word vectors after
    it), so a tagger trained without word vectors reads the leading ones."""
    if width > feats.dense.shape[1]:
        raise ValueError(f"{width} dense columns wanted, {feats.dense.shape[1]} computed")
    cats = feats.cats
    if source.values != target.values:
        cats = cats.copy()
        for k, name in enumerate(FEATURES):
            if name in HASHED:
                continue
            table = np.zeros(len(source.values[name]) + 1, dtype=np.int64)
            for i, value in enumerate(source.values[name], start=1):
                table[i] = target.ids(name, value)
            cats[:, k] = table[feats.cats[:, k]]
    dense = feats.dense if width == feats.dense.shape[1] else feats.dense[:, :width]
    return DocFeatures(cats=cats, dense=dense, sequences=feats.sequences)


def first_words_of(phrases: Iterable[str]) -> frozenset[str]:
    """First words of the multi-word cues ("according" of "according to")."""
    return frozenset(p.split()[0] for p in phrases if p.split())
