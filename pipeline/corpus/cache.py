"""On-disk cache of per-text vectors (sentence embeddings, MinHash signatures).

One SQLite file; a row is keyed by ``(kind, key)``: ``kind`` names what made the vector (model,
version, settings) and ``key`` is the sha256 of the exact text, so an edited text or another
model never reuses a stale vector. A second ``claimtrace corpus similar`` over the same pool
reads every vector from here instead of running the encoder.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from pipeline.errors import ClaimtraceError, Errors

CACHE_FILE = "corpus-vectors.sqlite"
_CHUNK = 500


def default_cache_dir() -> Path:
    """``$CLAIMTRACE_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimtrace``, else
    ``~/.cache/claimtrace``."""
    if os.environ.get("CLAIMTRACE_CACHE_DIR"):
        return Path(os.environ["CLAIMTRACE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimtrace"


class VectorCache:
    """``get``/``put`` numpy vectors by (kind, key). Use as a context manager or call close()."""

    def __init__(self, folder: str | Path | None = None) -> None:
        folder = Path(folder) if folder else default_cache_dir()
        self.path = folder / CACHE_FILE
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("CREATE TABLE IF NOT EXISTS vectors (kind TEXT, key TEXT, "
                            "dtype TEXT, value BLOB, PRIMARY KEY (kind, key))")
        except (OSError, sqlite3.Error) as exc:
            raise ClaimtraceError(Errors.E515, path=str(self.path), detail=str(exc)) from exc

    def __enter__(self) -> VectorCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def get(self, kind: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``keys`` (missing keys are simply absent)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        try:
            for lo in range(0, len(keys), _CHUNK):
                chunk = keys[lo: lo + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT key, dtype, value FROM vectors WHERE kind = ? AND key IN ({marks})",
                    [kind, *chunk])
                for key, dtype, value in rows:
                    found[key] = np.frombuffer(value, dtype=dtype)
        except sqlite3.Error as exc:
            raise ClaimtraceError(Errors.E515, path=str(self.path), detail=str(exc)) from exc
        return found

    def put(self, kind: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors (replacing any with the same kind and key)."""
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                    [(kind, key, str(v.dtype), np.ascontiguousarray(v).tobytes())
                     for key, v in items.items()])
        except sqlite3.Error as exc:
            raise ClaimtraceError(Errors.E515, path=str(self.path), detail=str(exc)) from exc
