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
    """Weights and settings of a trained tagger; ``predict`` tags one document,
    ``predict_many`` several at once."""

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

    def _bilstm(self, x: np.ndarray, fwd_at: np.ndarray, bwd_at: np.ndarray,
                active: np.ndarray, layer: int) -> np.ndarray:
        """Both directions of one LSTM layer, stepped together. ``x`` holds one row per real
        token; the sequences are sorted by length (longest first), so ``active[t]``
        sequences run at step t, and the rows of step t are packed together: ``fwd_at`` and
        ``bwd_at`` give each token's packed row in the forward and backward direction.
        Returns [forward | backward] hidden states, one row per real token."""
        names = (f"l{layer}", f"l{layer}_reverse")
        hidden = self.w[f"lstm.weight_hh_{names[0]}"].shape[1]
        scale = np.full((4, hidden), 0.5, dtype=np.float32)
        scale[2] = 1.0  # sigmoid(x) = (tanh(x/2) + 1) / 2 for the i, f, o gates
        scale = scale.reshape(-1)
        xw = np.empty((2, len(x), 4 * hidden), dtype=np.float32)
        w_hh = []
        for d, (name, at) in enumerate(zip(names, (fwd_at, bwd_at), strict=True)):
            bias = self.w[f"lstm.bias_ih_{name}"] + self.w[f"lstm.bias_hh_{name}"]
            xw[d, at] = (_mm(x, self._t(f"lstm.weight_ih_{name}")) + bias) * scale
            w_hh.append(self._t(f"lstm.weight_hh_{name}") * scale)
        width = int(active[0])
        c = np.zeros((2, width, hidden), dtype=np.float32)
        act = np.empty((2, width, 4 * hidden), dtype=np.float32)
        sig = np.empty((2, width, 4 * hidden), dtype=np.float32)
        product = np.empty((2, width, hidden), dtype=np.float32)
        out = np.empty((2, len(x), hidden), dtype=np.float32)
        start, previous = 0, None
        # Step t's sequences are the first k of step t-1's (longest first), so the previous
        # hidden states are the first k rows of the previous step's output block: no copies,
        # and every buffer is written in place (the same arithmetic, in the same order).
        for k in active.tolist():
            step = act[:, :k]
            for d in (0, 1):
                if previous is None:
                    step[d] = 0.0
                else:
                    _OPS.gemm(out[d, previous:previous + k], w_hh[d], out=step[d])
            step += xw[:, start:start + k]
            np.tanh(step, out=step)
            gates = step.reshape(2, k, 4, hidden)
            sk = sig[:, :k]
            np.multiply(step, 0.5, out=sk)
            sk += 0.5
            sk = sk.reshape(2, k, 4, hidden)
            ck = c[:, :k]
            ck *= sk[:, :, 1]
            pk = product[:, :k]
            np.multiply(sk[:, :, 0], gates[:, :, 2], out=pk)
            ck += pk
            hk = out[:, start:start + k]
            np.tanh(ck, out=hk)
            hk *= sk[:, :, 3]
            previous = start
            start += k
        return np.concatenate([out[0, fwd_at], out[1, bwd_at]], axis=1)

    def log_probs(self, feats: DocFeatures) -> tuple[np.ndarray, list[np.ndarray]]:
        """Log-probabilities of every label, one row per token of ``feats.sequences`` (in
        their order, longest first, concatenated), and those sequences."""
        seqs = feats.sequences
        order = np.argsort([-len(s) for s in seqs], kind="stable")
        lengths = np.array([len(seqs[b]) for b in order], dtype=np.int64)
        steps = int(lengths[0])
        active = (lengths[None, :] > np.arange(steps)[:, None]).sum(axis=1)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        starts = np.cumsum(lengths) - lengths
        times = np.arange(int(lengths.sum())) - np.repeat(starts, lengths)
        back = np.repeat(lengths, lengths) - 1 - times
        tokens = np.concatenate([seqs[b] for b in order])
        step_start = np.cumsum(active) - active  # packed row of each step's first sequence
        fwd_at, bwd_at = step_start[times] + rows, step_start[back] + rows
        x = self._inputs(feats)[tokens]
        for layer in range(self.layers):
            x = self._bilstm(x, fwd_at, bwd_at, active, layer)
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
        return self.predict_many([feats], outside_bias)[0]

    def predict_many(self, docs: list[DocFeatures], outside_bias: float = 0.0
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
        """``predict`` for several documents in one pass: their sequences are stepped
        through the LSTM together (far fewer, larger steps). Every sequence is computed on
        its own rows, so a document's result does not depend on the others."""
        return predict_together([(self, docs)], outside_bias)

    def viterbi(self, logp: np.ndarray, lengths: list[int]) -> np.ndarray:
        """Best valid tag path of each sequence; ``logp`` holds the sequences one after
        another (longest first), ``lengths`` their lengths."""
        lengths_arr = np.asarray(lengths, dtype=np.int64)
        starts = np.cumsum(lengths_arr) - lengths_arr
        batch, steps, n_labels = len(lengths), int(lengths_arr.max()), logp.shape[1]
        score = logp[starts] + self.start_penalty
        back = np.zeros((steps, batch, n_labels), dtype=np.int64)
        for t in range(1, steps):
            k = int((lengths_arr > t).sum())
            cand = score[:k, :, None] + self.trans_penalty[None]
            back[t, :k] = cand.argmax(axis=1)
            score[:k] = cand.max(axis=1) + logp[starts[:k] + t]
        path = np.zeros(len(logp), dtype=np.int64)
        label = score.argmax(axis=1)
        path[starts + lengths_arr - 1] = label
        # walk back: sequence b is active at step t while t < its length (longest first)
        for t in range(steps - 1, 0, -1):
            k = int((lengths_arr > t).sum())
            label[:k] = back[t, np.arange(k), label[:k]]
            path[starts[:k] + t - 1] = label[:k]
        return path


def _joined(docs: list[DocFeatures]) -> DocFeatures:
    """Several documents' features as one (their sequences shifted to the joined rows)."""
    sizes = [f.cats.shape[0] for f in docs]
    offsets = np.cumsum(sizes) - sizes
    return DocFeatures(
        cats=np.concatenate([f.cats for f in docs]),
        dense=np.concatenate([np.asarray(f.dense, dtype=np.float32) for f in docs]),
        sequences=[s + off for f, off in zip(docs, offsets, strict=True)
                   for s in f.sequences if len(s)],
    )


def predict_together(members: list[tuple[SpanTagger, list[DocFeatures]]],
                     outside_bias: float = 0.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Tag documents with one tagger or an ensemble: each member gets the same documents
    (as its own features), their per-token probabilities are averaged and the first
    member's Viterbi decodes the average. Per document: the label ids (-1 for whitespace)
    and the (averaged) probability of each label (zeros for whitespace)."""
    lead, docs = members[0]
    if not docs:
        return []
    sizes = [f.cats.shape[0] for f in docs]
    offsets = np.cumsum(sizes) - sizes
    n = int(sum(sizes))
    tags = np.full(n, -1, dtype=np.int64)
    probs = np.zeros((n, len(lead.labels)), dtype=np.float32)
    joined = [(tagger, _joined(feats)) for tagger, feats in members]
    if joined[0][1].sequences:
        runs = [tagger.log_probs(feats) for tagger, feats in joined]
        seqs = runs[0][1]
        tokens = np.concatenate(seqs)
        if len(runs) == 1:
            logp = runs[0][0]
            probs[tokens] = np.exp(logp)
        else:
            mean = np.mean([np.exp(lp) for lp, _ in runs], axis=0, dtype=np.float32)
            probs[tokens] = mean
            logp = np.log(np.maximum(mean, 1e-12))
        if outside_bias:
            logp = logp.copy()
            logp[:, lead.labels.index("O")] -= outside_bias
        tags[tokens] = lead.viterbi(logp, [len(s) for s in seqs])
    return [(tags[off:off + size], probs[off:off + size])
            for off, size in zip(offsets, sizes, strict=True)]


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` with blis through thinc (single-threaded, fast for the small matrices here;
    numpy's threaded BLAS stalls on small products when the cores are busy)."""
    return _OPS.gemm(np.ascontiguousarray(a, dtype=np.float32), b)
