"""The spaCy model's attribute ruler, with its one-token rules looked up instead of matched.

spaCy's ``AttributeRuler`` runs a ``Matcher`` of about 180 patterns over every token (a sixth
of the English model's time on news). Almost all of them test one token on its text and its
tag or dependency label, so their matches depend only on those values: this module matches
each distinct combination once, with the ruler's own patterns and ``Matcher``, and remembers
the answer. Patterns over several tokens, or with operators, still run through a ``Matcher``
on the document. The matches, their order and so the attributes set are exactly the ruler's.

It is switched on in the pipeline config (``[nlp.after_pipeline_creation]``), so a pipeline
saved with ``nlp.to_disk`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from spacy.attrs import DEP, ORTH, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.util import registry

# Pattern keys a token's text fixes (lexeme attributes; NORM is not one, tokenizer exceptions set it
# per token), and the token attributes a signature records.
LEXICAL_KEYS = {"ORTH", "TEXT", "LOWER", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
                "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE",
                "IS_PUNCT", "IS_SPACE", "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL"}
TOKEN_KEYS = {"TAG": TAG, "DEP": DEP}
CACHE_LIMIT = 500_000  # distinct (text, tag, dep, ...) combinations kept before starting over


class MemoisedMatch:
    """``AttributeRuler.match`` for ``ruler``: the same (rule id, match id, start, end) list,
    in the same order. Rebuilds itself when the ruler's patterns change.

    Rules are split three ways: one-token rules (looked up per token signature), fixed-length
    rules (their first token looked up, the rest matched only where a first token fits) and
    the others (operators, attributes outside the signature), matched on the whole doc."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self._built_for: tuple | None = None

    def _build(self) -> None:
        vocab = self.ruler.vocab
        self.single, self.starts = Matcher(vocab), Matcher(vocab)
        self.fixed, self.general = Matcher(vocab), Matcher(vocab)
        self.fixed_length = 1
        used: set[str] = set()
        for rule in range(len(self.ruler.attrs)):  # the ruler names rule i "i"
            name = str(rule)
            patterns = self.ruler.matcher.get(name)[1]
            if not all(_plain(token) for pattern in patterns for token in pattern):
                self.general.add(name, patterns)
                continue
            used.update(key.upper() for pattern in patterns for token in pattern for key in token)
            if all(len(pattern) == 1 for pattern in patterns):
                self.single.add(name, patterns)
            else:
                self.fixed.add(name, patterns)
                self.starts.add(name, [[pattern[0]] for pattern in patterns])
                self.fixed_length = max(self.fixed_length, *(len(p) for p in patterns))
        self.rule_of = {vocab.strings[str(rule)]: rule for rule in range(len(self.ruler.attrs))}
        self.token_attrs = [ORTH] + [TOKEN_KEYS[k] for k in sorted(TOKEN_KEYS) if k in used]
        self.width = len(self.token_attrs)
        # signature (the token's attribute values as bytes) -> (one-token match ids,
        # whether a fixed-length rule may start there)
        self.cache: dict[bytes, tuple[list[int], bool]] = {}
        self._built_for = (self.ruler.matcher, len(self.ruler.matcher))

    def _lookup(self, signatures: list[bytes]) -> None:
        """Match the signatures not cached yet, one token each, in one synthetic doc."""
        new = [s for s in signatures if s not in self.cache]
        if not new:
            return
        if len(self.cache) + len(new) > CACHE_LIMIT:
            self.cache.clear()
        values = np.frombuffer(b"".join(new), dtype=np.uint64).reshape(len(new), self.width)
        strings = self.ruler.vocab.strings
        doc = Doc(self.ruler.vocab, words=[strings[int(orth)] for orth in values[:, 0]])
        for token, row in zip(doc, values.tolist(), strict=True):
            for attr, value in zip(self.token_attrs[1:], row[1:], strict=True):
                if attr == TAG:
                    token.tag = value
                else:
                    token.dep = value
        found: list[list[int]] = [[] for _ in new]
        for match_id, start, _ in self.single(doc, allow_missing=True):
            found[start].append(match_id)
        starts = {start for _, start, _ in self.starts(doc, allow_missing=True)} \
            if len(self.starts) else set()
        self.cache.update((s, (found[i], i in starts)) for i, s in enumerate(new))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if self._built_for != (self.ruler.matcher, len(self.ruler.matcher)):
            self._build()
        rows = np.ascontiguousarray(doc.to_array(self.token_attrs), dtype=np.uint64)
        unique, inverse = np.unique(rows.view(np.dtype((np.void, 8 * self.width))).ravel(),
                                    return_inverse=True)
        signatures = unique.tolist()
        self._lookup(signatures)
        found = [self.cache[s] for s in signatures]
        per_token = [found[u] for u in inverse.tolist()]
        matches = [(match_id, i, i + 1) for i, (ids, _) in enumerate(per_token) for match_id in ids]
        for i, (_, may_start) in enumerate(per_token):
            if may_start:
                window = doc[i:i + self.fixed_length]
                matches.extend((m, i + s, i + e) for m, s, e in
                               self.fixed(window, allow_missing=True) if s == 0)
        if len(self.general):
            matches.extend(self.general(doc, allow_missing=True, as_spans=False))
        ordered = [(self.rule_of[m], m, s, e) for m, s, e in matches]
        ordered.sort()  # as the ruler sorts them: later rules win
        return ordered


def _plain(token_pattern: dict) -> bool:
    """A token pattern without operators, on attributes a signature holds."""
    return all(k.upper() in LEXICAL_KEYS or k.upper() in TOKEN_KEYS for k in token_pattern)


def memoise(nlp: Language, component: str = "attribute_ruler") -> Language:
    """Give ``nlp``'s attribute ruler the memoised matcher (no-op without that component)."""
    if component in nlp.pipe_names:
        ruler = nlp.get_pipe(component)
        if isinstance(ruler, AttributeRuler):
            ruler.match = MemoisedMatch(ruler)
    return nlp


@registry.callbacks("claimtrace.memoised_attribute_ruler.v1")
def make_memoised_attribute_ruler(component: str = "attribute_ruler"
                                  ) -> Callable[[Language], Language]:
    """``[nlp.after_pipeline_creation]`` callback: see the module docstring."""
    def apply(nlp: Language) -> Language:
        return memoise(nlp, component)
    return apply
