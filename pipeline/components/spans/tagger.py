"""The span tagger at run time: embeddings of the categorical features and the spaCy model's
token vectors, a projection, a bidirectional LSTM over each paragraph and a softmax over BIO
tags of content, cue and source, decoded with Viterbi so that every tag sequence is valid.

Inference is plain numpy (the weights were trained with torch, ``train.py``), so the pipeline
never imports torch for it. The arrays are named as torch's ``state_dict`` names them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from thinc.api import NumpyOps

from ...errors import ClaimtraceError, Errors
from .features import DocFeatures, FeatureVocab

WEIGHTS, CONFIG = "weights.npz", "config.json"
_OPS = NumpyOps()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def allowed_transitions(labels: tuple[str, ...]) -> np.ndarray:
    """``ok[a, b]``: tag ``b`` may follow tag ``a`` (I-X only after B-X or I-X)."""
    ok = np.ones((len(labels), len(labels)), dtype=bool)
    for b, to in enumerate(labels):
        if to.startswith("I-"):
            for a, frm in enumerate(labels):
                ok[a, b] = frm[2:] == to[2:] and frm[:1] in ("B", "I")
    return ok


class SpanTagger:
    """Weights and settings of a trained tagger; ``predict`` tags one document."""

    def __init__(self, config: dict, weights: dict[str, np.ndarray]) -> None:
        self.config = config
        self.labels: tuple[str, ...] = tuple(config["labels"])
        self.vocab = FeatureVocab(config["vocab"])
        self.layers = int(config.get("layers", 1))
        self.w = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        self._cache: dict[str, np.ndarray] = {}
        self.allowed = allowed_transitions(self.labels)
        start_ok = np.array([not lab.startswith("I-") for lab in self.labels])
        self.start_penalty = np.where(start_ok, 0.0, -1e4).astype(np.float32)
        self.trans_penalty = np.where(self.allowed, 0.0, -1e4).astype(np.float32)

    # --- loading and saving -------------------------------------------------------------
    @classmethod
    def from_folder(cls, folder: str | Path) -> SpanTagger:
        folder = Path(folder)
        for name in (CONFIG, WEIGHTS):
            if not (folder / name).is_file():
                raise ClaimtraceError(Errors.E160, path=str(folder), what=name)
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        with np.load(folder / WEIGHTS, allow_pickle=False) as data:
            weights = {k: data[k] for k in data.files}
        return cls(config, weights)

    def to_folder(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG).write_text(json.dumps(self.config, indent=1), encoding="utf-8")
        np.savez(folder / WEIGHTS, **{k: v.astype(np.float16) for k, v in self.w.items()})

    # --- the network ----------------------------------------------------------------------
    def _t(self, name: str) -> np.ndarray:
        """A weight matrix transposed and contiguous (cached), ready for ``x @ W.T``."""
        key = name + ".T"
        if key not in self._cache:
            self._cache[key] = np.ascontiguousarray(self.w[name].T)
        return self._cache[key]

    def _inputs(self, feats: DocFeatures) -> np.ndarray:
        parts = [self.w[f"embeds.{k}.weight"][feats.cats[:, k]]
                 for k in range(feats.cats.shape[1])]
        parts.append(np.asarray(feats.dense, dtype=np.float32))
        x = _mm(np.concatenate(parts, axis=1), self._t("proj.weight")) + self.w["proj.bias"]
        return np.maximum(x, 0.0)

    def _lstm(self, x: np.ndarray, where: tuple[np.ndarray, np.ndarray], shape: tuple[int, int],
              active: np.ndarray, suffix: str) -> np.ndarray:
        """One direction of one LSTM layer. ``x`` holds one row per real token; ``where``
        (sequence row, time step) places them in the padded batch of ``shape``, sorted by
        length (longest first), so ``active[t]`` sequences are still running at step t.
        Returns the hidden states, one row per real token."""
        w_ih, w_hh = self._t(f"lstm.weight_ih_{suffix}"), self._t(f"lstm.weight_hh_{suffix}")
        bias = self.w[f"lstm.bias_ih_{suffix}"] + self.w[f"lstm.bias_hh_{suffix}"]
        batch, steps = shape
        hidden = w_hh.shape[0]
        xw = np.zeros((batch, steps, 4 * hidden), dtype=np.float32)
        xw[where] = _mm(x, w_ih) + bias
        h = np.zeros((batch, hidden), dtype=np.float32)
        c = np.zeros((batch, hidden), dtype=np.float32)
        out = np.zeros((batch, steps, hidden), dtype=np.float32)
        for t in range(steps):
            k = int(active[t])
            gates = xw[:k, t] + _mm(h[:k], w_hh)
            i = _sigmoid(gates[:, :hidden])
            f = _sigmoid(gates[:, hidden : 2 * hidden])
            g = np.tanh(gates[:, 2 * hidden : 3 * hidden])
            o = _sigmoid(gates[:, 3 * hidden :])
            c[:k] = f * c[:k] + i * g
            h[:k] = o * np.tanh(c[:k])
            out[:k, t] = h[:k]
        return out[where]

    def log_probs(self, feats: DocFeatures) -> tuple[np.ndarray, list[np.ndarray]]:
        """Log-probabilities of every label, one row per token of ``feats.sequences`` (in
        their order, concatenated), and those sequences."""
        seqs = feats.sequences
        order = np.argsort([-len(s) for s in seqs], kind="stable")
        lengths = np.array([len(seqs[b]) for b in order], dtype=np.int64)
        steps = int(lengths[0])
        active = (lengths[None, :] > np.arange(steps)[:, None]).sum(axis=1)
        rows = np.concatenate([np.full(n, r) for r, n in enumerate(lengths)])
        times = np.concatenate([np.arange(n) for n in lengths])
        back = np.concatenate([np.arange(n)[::-1] for n in lengths])
        tokens = np.concatenate([seqs[b] for b in order])
        fwd_at, bwd_at = (rows, times), (rows, back)
        x = self._inputs(feats)[tokens]
        shape = (len(seqs), steps)
        for layer in range(self.layers):
            fwd = self._lstm(x, fwd_at, shape, active, f"l{layer}")
            bwd = self._lstm(x, bwd_at, shape, active, f"l{layer}_reverse")
            x = np.concatenate([fwd, bwd], axis=1)
        logits = _mm(x, self._t("out.weight")) + self.w["out.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        ordered = [seqs[b] for b in order]
        return logp, ordered

    def predict(self, feats: DocFeatures) -> tuple[np.ndarray, np.ndarray]:
        """Per token of the doc: the decoded label id (-1 for whitespace) and the
        probability of each label (zeros for whitespace)."""
        n = feats.cats.shape[0]
        tags = np.full(n, -1, dtype=np.int64)
        probs = np.zeros((n, len(self.labels)), dtype=np.float32)
        if not feats.sequences:
            return tags, probs
        logp, seqs = self.log_probs(feats)
        tokens = np.concatenate(seqs)
        probs[tokens] = np.exp(logp)
        tags[tokens] = self.viterbi(logp, [len(s) for s in seqs])
        return tags, probs

    def viterbi(self, logp: np.ndarray, lengths: list[int]) -> np.ndarray:
        """Best valid tag path of each sequence; ``logp`` holds the sequences one after
        another (longest first), ``lengths`` their lengths."""
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        lengths_arr = np.asarray(lengths)
        batch, steps, n_labels = len(lengths), int(lengths_arr.max()), logp.shape[1]
        score = logp[starts] + self.start_penalty
        back = np.zeros((steps, batch, n_labels), dtype=np.int64)
        for t in range(1, steps):
            k = int((lengths_arr > t).sum())
            cand = score[:k, :, None] + self.trans_penalty[None]
            back[t, :k] = cand.argmax(axis=1)
            score[:k] = cand.max(axis=1) + logp[starts[:k] + t]
        path = np.zeros(len(logp), dtype=np.int64)
        for b in range(batch):
            last = int(score[b].argmax())
            base = starts[b]
            path[base + lengths[b] - 1] = last
            for t in range(lengths[b] - 1, 0, -1):
                last = int(back[t, b, last])
                path[base + t - 1] = last
        return path


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` with blis through thinc (single-threaded, fast for the small matrices here;
    numpy's threaded BLAS stalls on small products when the cores are busy)."""
    return _OPS.gemm(np.ascontiguousarray(a, dtype=np.float32), b)
