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

    def _bilstm(self, x: np.ndarray, fwd_at: tuple[np.ndarray, np.ndarray],
                bwd_at: tuple[np.ndarray, np.ndarray], shape: tuple[int, int],
                active: np.ndarray, layer: int) -> np.ndarray:
        """Both directions of one LSTM layer, stepped together (one product per step with a
        block-diagonal recurrent matrix). ``x`` holds one row per real token; ``fwd_at`` and
        ``bwd_at`` (sequence row, time step) place them in the padded batch of ``shape``,
        sorted by length (longest first), so ``active[t]`` sequences run at step t. Returns
        [forward | backward] hidden states, one row per real token."""
        names = (f"l{layer}", f"l{layer}_reverse")
        w_hh = self._recurrent(layer)
        hidden = w_hh.shape[0] // 2
        batch, steps = shape
        xw = np.zeros((steps, batch, 2, 4 * hidden), dtype=np.float32)  # time-major
        for d, (name, (rows, times)) in enumerate(zip(names, (fwd_at, bwd_at), strict=True)):
            bias = self.w[f"lstm.bias_ih_{name}"] + self.w[f"lstm.bias_hh_{name}"]
            xw[times, rows, d] = _mm(x, self._t(f"lstm.weight_ih_{name}")) + bias
        scale = np.full((2, 4, hidden), 0.5, dtype=np.float32)
        scale[:, 2] = 1.0  # sigmoid(x) = (tanh(x/2) + 1) / 2 for the i, f, o gates
        xw = xw.reshape(steps, batch, 8 * hidden) * scale.reshape(-1)
        w_hh = w_hh * scale.reshape(-1)
        h = np.zeros((batch, 2 * hidden), dtype=np.float32)
        c = np.zeros((batch, 2, hidden), dtype=np.float32)
        out = np.zeros((steps, batch, 2 * hidden), dtype=np.float32)
        for t in range(steps):
            k = int(active[t])
            act = _mm(h[:k], w_hh)
            act += xw[t, :k]
            np.tanh(act, out=act)
            act = act.reshape(k, 2, 4, hidden)
            gate = act * 0.5 + 0.5
            ck = c[:k]
            ck *= gate[:, :, 1]
            ck += gate[:, :, 0] * act[:, :, 2]
            hk = out[t, :k].reshape(k, 2, hidden)
            np.tanh(ck, out=hk)
            hk *= gate[:, :, 3]
            h[:k] = out[t, :k]
        (rows_f, times_f), (rows_b, times_b) = fwd_at, bwd_at
        return np.concatenate([out[times_f, rows_f, :hidden], out[times_b, rows_b, hidden:]],
                              axis=1)

    def _recurrent(self, layer: int) -> np.ndarray:
        """[h_fwd | h_bwd] @ this = the recurrent part of both directions' gates."""
        key = f"recurrent.{layer}"
        if key not in self._cache:
            fwd, bwd = (self._t(f"lstm.weight_hh_l{layer}{s}") for s in ("", "_reverse"))
            hidden = fwd.shape[0]
            block = np.zeros((2 * hidden, 8 * hidden), dtype=np.float32)
            block[:hidden, : 4 * hidden] = fwd
            block[hidden:, 4 * hidden :] = bwd
            self._cache[key] = block
        return self._cache[key]

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
            x = self._bilstm(x, fwd_at, bwd_at, shape, active, layer)
        logits = _mm(x, self._t("out.weight")) + self.w["out.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        ordered = [seqs[b] for b in order]
        return logp, ordered

    def predict(self, feats: DocFeatures, outside_bias: float = 0.0
                ) -> tuple[np.ndarray, np.ndarray]:
        """Per token of the doc: the decoded label id (-1 for whitespace) and the
        probability of each label (zeros for whitespace). ``outside_bias`` is subtracted from
        the log-probability of "O" before decoding (> 0: more spans are tagged)."""
        n = feats.cats.shape[0]
        tags = np.full(n, -1, dtype=np.int64)
        probs = np.zeros((n, len(self.labels)), dtype=np.float32)
        if not feats.sequences:
            return tags, probs
        logp, seqs = self.log_probs(feats)
        tokens = np.concatenate(seqs)
        probs[tokens] = np.exp(logp)
        if outside_bias:
            logp = logp.copy()
            logp[:, self.labels.index("O")] -= outside_bias
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
