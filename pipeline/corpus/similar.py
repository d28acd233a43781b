"""Rank a pool of candidate articles by similarity to the corpus, chosen articles or targets.

Each text is embedded once with the project's sentence encoder (all-MiniLM-L6-v2, mean-pooled,
the same encoder as the stance relevance gate) from its first ``max_tokens`` word pieces: the
headline and lead, where a news article says what it is about. Vectors are cached by text hash
and model (``VectorCache``), so a second run over the same pool only reads them back.

A candidate's score is its highest cosine to any reference (a corpus article, a ``--like``
article or a ``--target``); ``nearest`` names that reference. Walking down the ranking, exact
and near-duplicates of corpus articles and of candidates already taken are dropped and reported.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.corpus.add import Candidate, Rejected
from pipeline.corpus.cache import VectorCache
from pipeline.corpus.config import DEFAULT_MAX_TOKENS, DEFAULT_THRESHOLD
from pipeline.corpus.dedupe import (
    NearDuplicateIndex,
    cached_signatures,
    shingles,
)
from pipeline.corpus.ids import content_id, text_sha256
from pipeline.corpus.layout import Corpus
from pipeline.errors import ClaimtraceError, Errors

CHARS_PER_TOKEN = 8  # texts are cut to max_tokens * this many characters before tokenizing
Progress = Callable[[int], None]


class Embedder:
    """Cached sentence embeddings; the encoder is loaded only when a text is not cached."""

    def __init__(self, cache: VectorCache, max_tokens: int = DEFAULT_MAX_TOKENS,
                 threads: int | None = None, batch_size: int = 32) -> None:
        from pipeline.stance.model import BASE_PACKAGE, use_bf16

        self.cache = cache
        self.max_tokens = max_tokens
        self.threads = threads
        self.batch_size = batch_size
        self.bf16 = use_bf16("auto")
        version = importlib.metadata.version(BASE_PACKAGE)
        self.kind = (f"{BASE_PACKAGE}=={version}|mean-l2|max{max_tokens}|"
                     f"{'bf16' if self.bf16 else 'fp32'}")
        self._encoder = None

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is None:
            from transformers.utils import logging as hf_logging

            from pipeline.stance.relevance import RelevanceGate, load_gate

            hf_logging.disable_progress_bar()
            gate = load_gate(threads=self.threads)
            self._encoder = RelevanceGate(gate.tokenizer, gate.model, bf16=self.bf16,
                                          max_length=self.max_tokens,
                                          batch_size=self.batch_size)
        cut = self.max_tokens * CHARS_PER_TOKEN
        return self._encoder.embed([t[:cut] for t in texts])

    def embed(self, texts: dict[str, str], progress: Progress | None = None,
              chunk: int = 256) -> dict[str, np.ndarray]:
        """Unit vectors of ``{sha256: text}``: cached ones read, the rest encoded and stored."""
        vectors = self.cache.get(self.kind, texts)
        if progress:
            progress(len(vectors))
        missing = [key for key in texts if key not in vectors]
        for lo in range(0, len(missing), chunk):
            keys = missing[lo: lo + chunk]
            rows = self._encode([texts[k] for k in keys])
            fresh = dict(zip(keys, rows, strict=True))
            self.cache.put(self.kind, fresh)
            vectors.update(fresh)
            if progress:
                progress(len(keys))
        return vectors


@dataclass
class Reference:
    """What candidates are compared with: a corpus article or a stance target."""

    label: str  # article id or the target text
    name: str | None  # article name (None for a target)
    text: str


@dataclass
class Ranked:
    """One shortlisted candidate."""

    item: Candidate
    score: float
    nearest: Reference


@dataclass
class Dropped:
    """A candidate left out of the shortlist, and why (``code`` E504/E505 or an input error)."""

    label: str
    reason: str
    code: str | None = None
    other: str | None = None
    score: float | None = None


@dataclass
class SimilarResult:
    shortlist: list[Ranked] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pool_size: int = 0


def find_article(articles: Sequence[dict], key: str) -> dict:
    """An article by id, name or unique id prefix (E506 otherwise)."""
    for article in articles:
        if key in (article["id"], article["name"]):
            return article
    matches = [a for a in articles if a["id"].startswith(key)]
    if len(matches) == 1 and len(key) >= 4:
        return matches[0]
    raise ClaimtraceError(Errors.E506, id=key)


def references(corpus: Corpus, articles: list[dict], like: Sequence[str],
               targets: Sequence[str], warnings: list[str]) -> list[Reference]:
    """The references: ``--like`` articles and ``--target`` texts, else every corpus article."""
    chosen = [find_article(articles, key) for key in like]
    refs = [Reference(t, None, t) for t in targets]
    for article in chosen or ([] if targets else articles):
        try:
            refs.append(Reference(article["id"], article["name"], corpus.text(article)))
        except ClaimtraceError as err:
            if chosen:
                raise
            warnings.append(f"{article['id']} ({article['name']}) left out of the references: "
                            f"{err}")
    if not refs:
        raise ClaimtraceError(Errors.E507, detail="the corpus has no readable articles")
    return refs


def rank_pool(
    corpus: Corpus,
    pool: Sequence[Candidate | Rejected],
    embedder: Embedder,
    top: int,
    like: Sequence[str] = (),
    targets: Sequence[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
    min_score: float | None = None,
    progress: Progress | None = None,
) -> SimilarResult:
    """The ``top`` candidates most similar to the references, duplicates dropped."""
    result = SimilarResult()
    articles = corpus.articles() if corpus.exists() else []
    refs = references(corpus, articles, like, targets, result.warnings)
    candidates: list[Candidate] = []
    seen: dict[str, str] = {}
    for item in pool:
        if isinstance(item, Rejected):
            result.dropped.append(Dropped(item.label, str(item.error), item.error.code))
            continue
        cid = content_id(item.text)
        if cid in seen:
            result.dropped.append(Dropped(item.label, f"same text as {seen[cid]} in the pool",
                                          Errors.E504.code, seen[cid], 1.0))
            continue
        seen[cid] = item.label
        candidates.append(item)
    result.pool_size = len(pool)
    if not candidates:
        return result
    ref_vecs = embedder.embed({text_sha256(r.text): r.text for r in refs})
    ref_matrix = np.stack([ref_vecs[text_sha256(r.text)] for r in refs])
    keys = [text_sha256(c.text) for c in candidates]
    vectors = embedder.embed(dict(zip(keys, (c.text for c in candidates), strict=True)),
                             progress)
    scores = np.stack([vectors[k] for k in keys]) @ ref_matrix.T
    best, nearest = scores.max(axis=1), scores.argmax(axis=1)
    order = np.argsort(-best, kind="stable")
    _walk(corpus, articles, candidates, keys, best, nearest, order, refs, top, threshold,
          min_score, embedder.cache, result)
    return result


def _walk(corpus: Corpus, articles: list[dict], candidates: list[Candidate], keys: list[str],
          best: np.ndarray, nearest: np.ndarray, order: np.ndarray, refs: list[Reference],
          top: int, threshold: float, min_score: float | None, cache: VectorCache,
          result: SimilarResult) -> None:
    """Take candidates in score order, dropping duplicates of the corpus and of those taken."""
    by_id = {a["id"]: a for a in articles}
    texts: dict[str, str] = {}
    in_corpus = NearDuplicateIndex(texts.__getitem__, threshold)
    taken = NearDuplicateIndex(texts.__getitem__, threshold)
    corpus_texts = {}
    for article in articles:
        try:
            texts[article["id"]] = corpus.text(article)
            corpus_texts[article["text_sha256"]] = texts[article["id"]]
        except ClaimtraceError:
            continue  # already reported as a reference warning or unreadable
    sigs = cached_signatures(corpus_texts, cache)
    for article in articles:
        if article["id"] in texts:
            in_corpus.add(article["id"], sigs[article["text_sha256"]])
    for i in order:
        if len(result.shortlist) >= top or (min_score is not None and best[i] < min_score):
            break
        item = candidates[i]
        cid = content_id(item.text)
        if cid in by_id:
            result.dropped.append(Dropped(item.label, "already in the corpus", Errors.E504.code,
                                          by_id[cid]["name"], 1.0))
            continue
        mine = shingles(item.text)
        sig = cached_signatures({keys[i]: item.text}, cache)[keys[i]]
        match = in_corpus.find(sig, mine)
        if match:
            result.dropped.append(Dropped(
                item.label, f"near-duplicate of corpus article {by_id[match.key]['name']}",
                Errors.E505.code, by_id[match.key]["name"], round(match.score, 4)))
            continue
        match = taken.find(sig, mine)
        if match:
            result.dropped.append(Dropped(
                item.label, f"near-duplicate of {match.key}, ranked higher", Errors.E505.code,
                match.key, round(match.score, 4)))
            continue
        texts[item.label] = item.text
        taken.add(item.label, sig, mine)
        result.shortlist.append(Ranked(item, float(best[i]), refs[int(nearest[i])]))


def shortlist_line(rank: int, ranked: Ranked) -> dict:
    """A shortlist JSONL line: what ``corpus add`` reads (``id``, ``text``, ``meta``) plus the
    score, rank and nearest reference."""
    ref = ranked.nearest
    nearest = ({"id": ref.label, "name": ref.name} if ref.name is not None
               else {"target": ref.label})
    found = {"rank": rank, "score": round(ranked.score, 4), "nearest": nearest,
             "candidate": ranked.item.label}
    # The same facts under meta.shortlist travel into the article's ``extra`` on `corpus add`.
    return {"id": ranked.item.name, "text": ranked.item.text,
            "meta": {**ranked.item.meta, "shortlist": found}, **found,
            "content_id": content_id(ranked.item.text)}
