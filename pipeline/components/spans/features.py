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
from spacy.tokens import Doc, Token

from ...extensions import read_candidates
from ...resources import CueLexicon
from ..structure import DocIndex

LABELS = ("O", "B-C", "I-C", "B-Q", "I-Q", "B-S", "I-S")  # content, cue, source as BIO
FEATURES = ("dep", "pos", "ent", "lex", "gov", "rule", "rulecue", "marks", "shape")
QUOTE_MARKS = frozenset("“”‘’\"'«»")
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
        """Embedding table sizes (values + the unknown id)."""
        return [len(self.values[name]) + 1 for name in FEATURES]

    def ids(self, name: str, value: str, grow: bool = False) -> int:
        table = self._ids[name]
        if value not in table and grow:
            self.values[name].append(value)
            table[value] = len(table) + 1
        return table.get(value, 0)

    def to_dict(self) -> dict[str, list[str]]:
        return {name: list(vals) for name, vals in self.values.items()}


def lexicon_kind(tok: Token, lexicon: CueLexicon, first_words: frozenset[str]) -> str:
    """The cue-lexicon class of a word: hand kind, derived reliability band, or none."""
    lemma, lower = tok.lemma_.lower(), tok.lower_
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


def governor(tok: Token, is_cue: list[bool]) -> str:
    """The relation under which the nearest cue word above ``tok`` reaches it ("ccomp",
    "nsubj", ...), "self" for a cue word, "none" when no cue word is near above."""
    if is_cue[tok.i]:
        return "self"
    child, node = tok, tok.head
    for _ in range(GOVERNOR_STEPS):
        if node is child:
            break
        if is_cue[node.i]:
            return child.dep_
        child, node = node, node.head
    return "none"


def shape(tok: Token) -> str:
    """A coarse word shape: punctuation kind, capitalisation, digits."""
    text = tok.text
    if text in QUOTE_MARKS:
        return "quote"
    if tok.is_punct:
        return text if text in {",", ".", ":", ";", "(", ")", "—", "-", "?", "!"} else "punct"
    if tok.like_num:
        return "num"
    if tok.is_title:
        return "title"
    if tok.is_upper:
        return "upper"
    return "lower"


def sequences(doc: Doc, index: DocIndex) -> list[np.ndarray]:
    """Token indices of each paragraph (whitespace left out), long paragraphs cut at
    sentence ends into pieces of at most ``MAX_LEN`` tokens."""
    paragraphs: dict[int, list[Token]] = {}
    for tok in doc:
        if not tok.is_space:
            paragraphs.setdefault(index.paragraph[tok.i], []).append(tok)
    out: list[np.ndarray] = []
    for toks in paragraphs.values():
        piece: list[int] = []
        for tok in toks:
            if len(piece) >= MAX_LEN or (tok.is_sent_start and len(piece) > MAX_LEN // 2):
                out.append(np.asarray(piece, dtype=np.int64))
                piece = []
            piece.append(tok.i)
        if piece:
            out.append(np.asarray(piece, dtype=np.int64))
    return out


def doc_features(doc: Doc, vocab: FeatureVocab, lexicon: CueLexicon,
                 first_words: frozenset[str], grow: bool = False) -> DocFeatures:
    """Features of every token of ``doc`` (after the quotes component). ``grow`` adds unseen
    values to ``vocab`` (training only)."""
    index = DocIndex(doc)
    rule = ["O"] * len(doc)
    rulecue = ["O"] * len(doc)
    for cand in read_candidates(doc):
        for i in range(cand.content.start, cand.content.end):
            rule[i] = f"{'B' if i == cand.content.start else 'I'}-{cand.type}"
        if cand.cue is not None:
            for i in range(cand.cue.start, cand.cue.end):
                rulecue[i] = str(cand.how or "cue")
    kinds = [lexicon_kind(tok, lexicon, first_words) for tok in doc]
    is_cue = [not k.startswith("-|-") and "blocked" not in k for k in kinds]
    cats = np.zeros((len(doc), len(FEATURES)), dtype=np.int64)
    for tok in doc:
        if tok.is_space:
            marks = "space"
        elif tok.text in QUOTE_MARKS:
            marks = "mark"
        else:
            marks = "in" if index.in_marks[tok.i] else "out"
        values = (tok.dep_.lower(), tok.pos_, tok.ent_type_ or "O", kinds[tok.i],
                  governor(tok, is_cue), rule[tok.i], rulecue[tok.i], marks, shape(tok))
        for k, (name, value) in enumerate(zip(FEATURES, values, strict=True)):
            cats[tok.i, k] = vocab.ids(name, value, grow)
    dense = doc.tensor if doc.tensor is not None and len(doc.tensor) == len(doc) else None
    if dense is None or dense.ndim != 2:
        raise ValueError("doc.tensor is not set: the span tagger needs the spaCy model's tok2vec")
    return DocFeatures(cats=cats, dense=np.asarray(dense, dtype=np.float32),
                       sequences=sequences(doc, index))


def first_words_of(phrases: Iterable[str]) -> frozenset[str]:
    """First words of the multi-word cues ("according" of "according to")."""
    return frozenset(p.split()[0] for p in phrases if p.split())
