"""The extendable corpus: articles with metadata, gold annotations and splits as JSONL.

``claimtrace corpus ...`` (cli.py) adds, de-duplicates, finds similar articles, imports gold and
counts; :func:`load_corpus` returns the corpus as a ``datasets.DatasetDict``. Layout and record
formats: docs/corpus.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Corpus", "load_corpus"]


def __getattr__(name: str) -> Any:
    # Lazy, so `claimtrace --help` does not pay for importing `datasets`.
    if name == "load_corpus":
        from pipeline.corpus.dataset import load_corpus

        return load_corpus
    if name == "Corpus":
        from pipeline.corpus.layout import Corpus

        return Corpus
    raise AttributeError(name)
