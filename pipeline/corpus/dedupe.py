"""Near-duplicate detection: MinHash signatures of word shingles, LSH to find candidates, exact
Jaccard of the shingle sets to decide.

"Same story, small edits" (a changed headline, a dropped or added paragraph, a few words
reworded, other quote marks) keeps most word 3-grams, while different articles, even on the same
event, share few. LSH (datasketch) keeps the comparison sub-linear; its threshold is set below the
decision threshold so that pairs just above it are still found, and each candidate is then
checked exactly, which the report shows as the pair's score.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipeline.corpus.config import DEFAULT_THRESHOLD
from pipeline.corpus.ids import normalise_text

SHINGLE_WORDS = 3
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
LSH_MARGIN = 0.2
SIGNATURE_KEY = f"minhash-{SCHEME}-w{SHINGLE_WORDS}-p{NUM_PERM}-s{SEED}"
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """Lower-cased word 3-grams (punctuation and spacing ignored); short texts: their words."""
    words = _WORD.findall(normalise_text(text).lower())
    if len(words) < SHINGLE_WORDS:
        return {w.encode("utf-8") for w in words} or {b""}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
            for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(shingle_set: set[bytes]) -> LeanMinHash:
    """The MinHash signature of a shingle set."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(shingle_set))
    return LeanMinHash(minhash)


def signature_from_values(values: np.ndarray) -> LeanMinHash:
    """Rebuild a signature from its stored hash values."""
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Match:
    """The closest near-duplicate found for a text: its key and exact Jaccard."""

    key: str
    score: float


class NearDuplicateIndex:
    """Articles indexed by key; :meth:`find` returns the best match at or above the threshold.

    Shingle sets are kept only for texts that came up as candidates; ``text_of(key)`` loads an
    indexed article's text on demand, so a large corpus needs only its signatures in memory.
    """

    def __init__(self, text_of: Callable[[str], str], threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.text_of = text_of
        self.lsh = MinHashLSH(threshold=max(0.05, threshold - LSH_MARGIN), num_perm=NUM_PERM)
        self._shingles: dict[str, set[bytes]] = {}
        self.keys: set[str] = set()

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, sig: LeanMinHash, shingle_set: set[bytes] | None = None) -> None:
        if key in self.keys:
            return
        self.lsh.insert(key, sig)
        self.keys.add(key)
        if shingle_set is not None:
            self._shingles[key] = shingle_set

    def _shingles_of(self, key: str) -> set[bytes]:
        if key not in self._shingles:
            self._shingles[key] = shingles(self.text_of(key))
        return self._shingles[key]

    def find(self, sig: LeanMinHash, text: str | set[bytes]) -> Match | None:
        """The indexed article most similar to ``text`` if its Jaccard reaches the threshold."""
        candidates = self.lsh.query(sig)
        if not candidates:
            return None
        mine = text if isinstance(text, set) else shingles(text)
        best: Match | None = None
        for key in sorted(candidates):
            score = jaccard(mine, self._shingles_of(key))
            if score >= self.threshold and (best is None or score > best.score):
                best = Match(key, score)
        return best


def cached_signatures(texts: dict[str, str], cache=None) -> dict[str, LeanMinHash]:
    """Signatures of ``{sha256: text}``, read from / written to a :class:`VectorCache`."""
    found = cache.get(SIGNATURE_KEY, texts) if cache is not None else {}
    sigs = {key: signature_from_values(values) for key, values in found.items()}
    fresh = {key: signature(shingles(text)) for key, text in texts.items() if key not in sigs}
    if cache is not None and fresh:
        cache.put(SIGNATURE_KEY, {key: sig.hashvalues for key, sig in fresh.items()})
    sigs.update(fresh)
    return sigs
