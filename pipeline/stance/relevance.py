"""Relevance gate: is a claim about a target at all?

The base all-MiniLM-L6-v2 is a sentence-embedding model (trained with mean pooling on sentence
pairs), so the cosine of two mean-pooled embeddings measures topical closeness cheaply: one
forward pass per claim context and per target, instead of one cross-encoder pass per pair.
Pairs below the threshold are labelled neutral without running the stance classifier. The
default threshold (0.15) keeps 98 % of PERSPECTRUM's labelled (support/undermine) dev pairs and
was chosen on dev (docs/stance.md, "Relevance gate").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import torch

from pipeline.errors import ClaimtraceError, Errors
from pipeline.stance.config import BASE_PACKAGE, base_model_path
from pipeline.stance.config import DEFAULT_RELEVANCE_THRESHOLD as DEFAULT_THRESHOLD
from pipeline.stance.model import inference_context, set_threads, use_bf16

__all__ = ["DEFAULT_THRESHOLD", "RelevanceGate", "load_gate"]


class RelevanceGate:
    """Mean-pooled, L2-normalised sentence embeddings and their cosine similarities."""

    def __init__(self, tokenizer, model: torch.nn.Module, bf16: bool = False,
                 max_length: int = 128, batch_size: int = 16) -> None:
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.bf16 = bf16
        self.max_length = max_length
        self.batch_size = batch_size
        self._target_cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text, in order. Each distinct text is encoded once, in
        batches sorted by length so they pad little."""
        unique = list(dict.fromkeys(texts))
        rows = self._encode(unique)
        index = {text: i for i, text in enumerate(unique)}
        return rows[[index[t] for t in texts]] if len(unique) < len(texts) else rows

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings in fixed-shape batches (length rounded up to a multiple of 8, exactly
        ``batch_size`` rows), so a text's embedding never depends on the other texts."""
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        encoded = [self.tokenizer(t, truncation=True, max_length=self.max_length) for t in texts]
        buckets: dict[int, list[int]] = {}
        for i, enc in enumerate(encoded):
            buckets.setdefault(-(-len(enc["input_ids"]) // 8) * 8, []).append(i)
        with inference_context(self.bf16):
            for length, idx in sorted(buckets.items()):
                for lo in range(0, len(idx), self.batch_size):
                    part = idx[lo: lo + self.batch_size]
                    rows = [encoded[i] for i in part]
                    rows += [rows[0]] * (self.batch_size - len(rows))
                    batch = self.tokenizer.pad(rows, padding="max_length", max_length=length,
                                               return_tensors="pt")
                    hidden = self.model(**batch).last_hidden_state.float()
                    mask = batch["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                    out[part] = torch.nn.functional.normalize(pooled, dim=-1).numpy()[: len(part)]
        return out

    def target_embeddings(self, targets: Sequence[str]) -> np.ndarray:
        """Embeddings of targets, cached: the same few targets recur across every batch."""
        missing = [t for t in dict.fromkeys(targets) if t not in self._target_cache]
        if missing:
            self._target_cache.update(zip(missing, self.embed(missing), strict=True))
        return np.stack([self._target_cache[t] for t in targets])

    def similarity(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Cosine similarity, shape (len(texts), len(targets))."""
        if not texts or not targets:
            return np.zeros((len(texts), len(targets)), dtype=np.float32)
        return self.embed(texts) @ self.target_embeddings(targets).T

    def pairwise(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Cosine of each text with the target at the same position, shape (len(texts),)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return (self.embed(texts) * self.target_embeddings(targets)).sum(1)


@lru_cache(maxsize=2)
def load_gate(base: str = BASE_PACKAGE, bf16: bool | str = "auto",
              threads: int | None = None) -> RelevanceGate:
    """The base encoder without any head or adapter, offline-first; one per process."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    set_threads(threads)
    hf_logging.set_verbosity_error()
    path = base_model_path(base)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
    except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
        raise ClaimtraceError(Errors.E202, path=str(base), detail=str(exc)[:300]) from exc
    return RelevanceGate(tokenizer, model, bf16=use_bf16(bf16))
