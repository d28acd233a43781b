"""Training the span tagger with torch on CPU (one thread by default): embeddings + token
vectors -> projection -> BiLSTM -> BIO tags, cross-entropy, Adam; the epoch with the best
content-span F1 on the development set is kept and exported for the numpy tagger.

The data files come from ``claimtrace spans data`` (features and tags only, no text).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..components.spans.features import FEATURES, LABELS, DocFeatures, FeatureVocab, translate
from ..components.spans.tagger import SpanTagger, predict_together


@dataclass
class TrainSettings:
    """Sizes and schedule; every value is recorded in the model's ``training.json``."""

    dims: tuple[int, ...] = (16, 8, 8, 8, 16, 8, 8, 4, 8, 24)  # one per feature in FEATURES
    proj: int = 96
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.25
    lr: float = 2e-3
    lr_decay: float = 0.85  # the learning rate is multiplied by this after every epoch
    batch_size: int = 32
    epochs: int = 12
    patience: int = 3
    seed: int = 13
    threads: int = 1
    soft_weight: float = 0.5  # with teachers: share of the target taken from their probabilities


def chunks(tags: np.ndarray, role: str) -> set[tuple[int, int]]:
    """(start, end) token spans of one role ("C", "Q", "S") in a per-token label-id array
    (whitespace tokens, id -1, neither break nor end a span)."""
    out: set[tuple[int, int]] = set()
    start = last = None
    for i, tag in enumerate(tags):
        if tag < 0:
            continue
        label = LABELS[tag]
        if label == f"I-{role}" and start is not None:
            last = i
            continue
        if start is not None:
            out.add((start, last + 1))
            start = None
        if label == f"B-{role}":
            start = last = i
    if start is not None:
        out.add((start, last + 1))
    return out


def chunk_scores(gold: list[np.ndarray], pred: list[np.ndarray]) -> dict[str, dict]:
    """Exact-span P/R/F1 per role over documents."""
    scores = {}
    for role in ("C", "Q", "S"):
        tp = n_pred = n_gold = 0
        for g, p in zip(gold, pred, strict=True):
            gs, ps = chunks(g, role), chunks(p, role)
            tp, n_pred, n_gold = tp + len(gs & ps), n_pred + len(ps), n_gold + len(gs)
        prec, rec = tp / max(n_pred, 1), tp / max(n_gold, 1)
        scores[role] = {"p": round(prec, 4), "r": round(rec, 4),
                        "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4)}
    return scores


def _docs(data: dict[str, np.ndarray]) -> list[tuple[DocFeatures, np.ndarray]]:
    """Split the concatenated arrays back into per-document features and tags."""
    offsets, starts, seq_tokens = data["doc_offsets"], data["seq_starts"], data["seq_tokens"]
    seqs = [seq_tokens[starts[k] : starts[k + 1]] for k in range(len(starts) - 1)]
    out, k = [], 0
    for d in range(len(offsets) - 1):
        lo, hi = int(offsets[d]), int(offsets[d + 1])
        mine = []
        while k < len(seqs) and len(seqs[k]) and seqs[k][0] < hi:
            mine.append(seqs[k] - lo)
            k += 1
        feats = DocFeatures(data["cats"][lo:hi], data["dense"][lo:hi].astype(np.float32), mine)
        tags = data["tags"][lo:hi].copy()
        spaces = np.ones(hi - lo, dtype=bool)
        for seq in mine:
            spaces[seq] = False
        tags[spaces] = -1
        out.append((feats, tags))
    return out


def soft_targets(docs: list[tuple[DocFeatures, np.ndarray]], vocab: FeatureVocab,
                 teachers: list[SpanTagger], batch: int = 32) -> list[np.ndarray]:
    """The teachers' averaged tag probabilities of every token (one array per document),
    each teacher reading the data in its own vocabulary and dense width."""
    out = []
    for lo in range(0, len(docs), batch):
        feats = [f for f, _ in docs[lo:lo + batch]]
        members = [(t, [translate(f, vocab, t.vocab, t.config["dense_width"]) for f in feats])
                   for t in teachers]
        out.extend(probs for _, probs in predict_together(members))
    return out


def train(train_path: Path, dev_path: Path, vocab: dict, out_dir: Path,
          settings: TrainSettings, log=print, word_vectors: dict | None = None,
          teachers: list[SpanTagger] | None = None, dense_width: int | None = None) -> dict:
    """Train, keep the best epoch on dev, write ``out_dir`` (config, weights, training.json).
    ``word_vectors`` (``WordVectors.describe()``) is recorded when the data's dense columns
    end with static word vectors, so the pipeline computes the same ones; ``dense_width``
    reads only the leading dense columns (the tok2vec vector of data built with word vectors).
    With ``teachers`` (distillation) each token's target mixes its gold tag with the
    teachers' averaged probabilities (``settings.soft_weight`` of them)."""
    import torch
    from torch import nn

    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    vocab_obj = FeatureVocab(vocab)
    train_docs = _docs(_load(train_path))
    dev_docs = _docs(_load(dev_path))
    soft = soft_targets(train_docs, vocab_obj, teachers) if teachers else None
    if dense_width is not None:
        for docs in (train_docs, dev_docs):
            for k, (feats, tags) in enumerate(docs):
                docs[k] = (translate(feats, vocab_obj, vocab_obj, dense_width), tags)
    dense_width = train_docs[0][0].dense.shape[1]

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeds = nn.ModuleList(
                nn.Embedding(n, d) for n, d in zip(vocab_obj.sizes(), settings.dims, strict=True))
            self.proj = nn.Linear(sum(settings.dims) + dense_width, settings.proj)
            self.lstm = nn.LSTM(settings.proj, settings.hidden, num_layers=settings.layers,
                                batch_first=True, bidirectional=True,
                                dropout=settings.dropout if settings.layers > 1 else 0.0)
            self.out = nn.Linear(2 * settings.hidden, len(LABELS))
            self.drop = nn.Dropout(settings.dropout)

        def forward(self, cats, dense, lengths):
            x = torch.cat([emb(cats[..., k]) for k, emb in enumerate(self.embeds)] + [dense], -1)
            x = torch.relu(self.proj(self.drop(x)))
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                       enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True)
            return self.out(self.drop(h))

    net = Net()
    optim = torch.optim.Adam(net.parameters(), lr=settings.lr)
    schedule = torch.optim.lr_scheduler.ExponentialLR(optim, gamma=settings.lr_decay)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    items = [(feats, tags, seq, None if soft is None else soft[d])
             for d, (feats, tags) in enumerate(train_docs) for seq in feats.sequences]
    config = {"labels": list(LABELS), "features": list(FEATURES), "vocab": vocab_obj.to_dict(),
              "dims": list(settings.dims), "proj": settings.proj, "hidden": settings.hidden,
              "layers": settings.layers, "dense_width": dense_width,
              "word_vectors": word_vectors}
    best: dict = {"score": -1.0}
    history = []
    stale = 0
    for epoch in range(1, settings.epochs + 1):
        started = time.time()
        net.train()
        order = rng.permutation(len(items))
        total = 0.0
        for b in range(0, len(order), settings.batch_size):
            batch = [items[k] for k in order[b : b + settings.batch_size]]
            cats, dense, tags, lengths, targets = _pad(batch)
            logits = net(torch.from_numpy(cats), torch.from_numpy(dense),
                         torch.from_numpy(lengths))
            flat = logits.reshape(-1, len(LABELS))
            gold = torch.from_numpy(tags[:, : logits.shape[1]]).reshape(-1)
            if targets is None:
                loss = loss_fn(flat, gold)
            else:
                mask = gold >= 0
                wanted = torch.from_numpy(targets[:, : logits.shape[1]]).reshape(
                    -1, len(LABELS))[mask]
                onehot = nn.functional.one_hot(gold[mask], len(LABELS)).float()
                mixed = settings.soft_weight * wanted + (1 - settings.soft_weight) * onehot
                loss = -(mixed * torch.log_softmax(flat[mask], -1)).sum(-1).mean()
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optim.step()
            total += float(loss.detach()) * len(batch)
        schedule.step()
        net.eval()
        weights = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
        tagger = SpanTagger(config, weights)
        preds = [tagger.predict(feats)[0] for feats, _ in dev_docs]
        scores = chunk_scores([tags for _, tags in dev_docs], preds)
        row = {"epoch": epoch, "loss": round(total / len(items), 4), "dev": scores,
               "seconds": round(time.time() - started, 1)}
        history.append(row)
        log(json.dumps(row))
        if scores["C"]["f1"] > best["score"]:
            best = {"score": scores["C"]["f1"], "epoch": epoch, "weights": weights,
                    "dev": scores}
            stale = 0
        else:
            stale += 1
            if stale >= settings.patience:
                break
    SpanTagger(config, best["weights"]).to_folder(out_dir)
    summary = {"best_epoch": best["epoch"], "dev": best["dev"], "history": history,
               "settings": asdict(settings), "train_documents": len(train_docs),
               "train_tokens": int(sum(len(t) for _, t in train_docs)),
               "dev_documents": len(dev_docs)}
    (out_dir / "training.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def _pad(batch) -> tuple:
    lengths = np.array([len(seq) for _, _, seq, _ in batch], dtype=np.int64)
    steps = int(lengths.max())
    n_feats = batch[0][0].cats.shape[1]
    width = batch[0][0].dense.shape[1]
    cats = np.zeros((len(batch), steps, n_feats), dtype=np.int64)
    dense = np.zeros((len(batch), steps, width), dtype=np.float32)
    tags = np.full((len(batch), steps), -100, dtype=np.int64)
    soft = None if batch[0][3] is None else np.zeros((len(batch), steps, len(LABELS)),
                                                       dtype=np.float32)
    for b, (feats, gold, seq, probs) in enumerate(batch):
        cats[b, : len(seq)] = feats.cats[seq]
        dense[b, : len(seq)] = feats.dense[seq]
        tags[b, : len(seq)] = gold[seq]
        if soft is not None:
            soft[b, : len(seq)] = probs[seq]
    return cats, dense, tags, lengths, soft
