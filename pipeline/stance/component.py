"""spaCy component ``claimtrace_stance``: each claim's stance toward every target and its
sentiment toward every actor it mentions, scored in batches across docs.

A relevance gate (``relevance.py``) first compares each claim's sentence context with each
target; only pairs at or above ``relevance_threshold`` go to the cross-encoder, the rest are
neutral (``gated``). ``relevance_threshold = null`` sends every pair to the cross-encoder."""

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import register_extensions
from pipeline.paths import resolve
from pipeline.stance.config import BASE_PACKAGE
from pipeline.stance.config import DEFAULT_RELEVANCE_THRESHOLD as DEFAULT_THRESHOLD
from pipeline.types import Actor, ActorStance, Claim, Stance

if TYPE_CHECKING:  # torch, transformers and datasets load on first scoring, not on import:
    # spaCy imports every registered factory whenever it builds a pipeline (pipeline/runtime.py)
    from pipeline.stance.model import StanceModel
    from pipeline.stance.relevance import RelevanceGate


@Language.factory(
    "claimtrace_stance",
    assigns=["doc._.claims"],
    requires=["doc._.claims"],
    default_config={"targets": [], "model": "models/stance", "batch_size": 64,
                    "actor_stance": True, "threads": 0, "bf16": "auto",
                    "relevance_threshold": DEFAULT_THRESHOLD, "relevance_model": BASE_PACKAGE},
)
def make_stance(nlp: Language, name: str, targets: list[str], model: str, batch_size: int,
                actor_stance: bool, threads: int, bf16: bool | str,
                relevance_threshold: float | None, relevance_model: str) -> "StanceComponent":
    register_extensions()
    return StanceComponent(targets, model, batch_size, actor_stance, threads, bf16,
                           relevance_threshold, relevance_model)


@lru_cache(maxsize=4)
def _cached_model(model: str, bf16: bool | str, threads: int) -> "StanceModel":
    """One model per process and setting (loaded on first use, not at pipeline build)."""
    from pipeline.stance.model import load_model

    return load_model(model, bf16=bf16, threads=threads or None)


def claim_context(claim: Claim) -> Span:
    """The sentences the claim sits in (the claim span itself when the doc has no sentences)."""
    try:
        first, last = claim.span[0].sent, claim.span[-1].sent
        return claim.span.doc[first.start: last.end]
    except ValueError:  # no sentence boundaries set
        return claim.span


def mentioned_actors(claim: Claim, actors: Iterable[Actor]) -> list[tuple[Actor, Span]]:
    """Actors the claim itself mentions, each with its first mention inside the claim span.

    Mentions elsewhere in the sentence (the speaker's apposition, "..., said Ann Lee") and the
    claim's own speaker ("I", "we") are not what the claim is about, so they do not count."""
    span = claim.span
    speaker_id = claim.speaker.actor_id if claim.speaker else None
    found = []
    for actor in actors:
        if speaker_id is not None and actor.id == speaker_id:
            continue
        inside = [m for m in actor.mentions if span.start <= m.start and m.end <= span.end]
        if inside:
            found.append((actor, min(inside, key=lambda m: m.start)))
    return found


class StanceComponent:
    """Fills ``claim.stance`` and ``claim.actor_stance`` for every claim of a doc."""

    def __init__(self, targets: list[str], model: str = "models/stance", batch_size: int = 64,
                 actor_stance: bool = True, threads: int = 0, bf16: bool | str = "auto",
                 relevance_threshold: float | None = DEFAULT_THRESHOLD,
                 relevance_model: str = BASE_PACKAGE) -> None:
        self.targets = [t for t in targets if t and t.strip()]
        self.relevance_threshold = relevance_threshold
        self.relevance_model = relevance_model
        self.model_path = str(model)
        self.batch_size = batch_size
        self.actor_stance = actor_stance
        self.threads = threads
        self.bf16 = bf16

    @property
    def model_id(self) -> str:
        """How the record's provenance names the stance model."""
        return self.model_path

    @property
    def model(self) -> "StanceModel":
        path = resolve(self.model_path)
        return _cached_model(str(path) if path.exists() else self.model_path, self.bf16,
                             self.threads)

    @property
    def gate(self) -> "RelevanceGate | None":
        """The relevance gate, or None when ``relevance_threshold`` is null."""
        from pipeline.stance.relevance import load_gate

        if self.relevance_threshold is None:
            return None
        return load_gate(self.relevance_model, self.bf16, self.threads or None)

    def targets_for(self, doc: Doc) -> list[str]:
        """Config targets plus the doc's own (meta.targets), first occurrence kept."""
        seen: dict[str, None] = {}
        for t in [*self.targets, *(doc._.stance_targets or [])]:
            if isinstance(t, str) and t.strip():
                seen.setdefault(t.strip(), None)
        return list(seen)

    def __call__(self, doc: Doc) -> Doc:
        self._score_docs([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Score all claims x targets (and actors) of ``batch_size`` docs in one batched pass."""
        docs = iter(docs)
        while chunk := list(islice(docs, batch_size or self.batch_size)):
            self._score_docs(chunk)
            yield from chunk

    def _score_unique(self, pairs: list[dict]) -> list[list[float]]:
        """Score each distinct pair once: claims cut from one sentence share their actor pairs."""
        index: dict[str, int] = {}
        unique: list[dict] = []
        for pair in pairs:
            key = repr(sorted(pair.items()))
            if key not in index:
                index[key] = len(unique)
                unique.append(pair)
        scored = self.model.score(unique, batch_size=self.batch_size)
        return [scored[index[repr(sorted(pair.items()))]] for pair in pairs]

    def _score_docs(self, docs: list[Doc]) -> None:
        # (claim, kind, target or actor id, slot in claim.stance, relevance)
        jobs: list[tuple[Claim, str, str, int, float | None]] = []
        pairs: list[dict] = []
        claims = [(c, self.targets_for(doc)) for doc in docs for c in doc._.claims or []]
        relevance = self._relevance(claims)
        for (claim, targets), sims in zip(claims, relevance, strict=True):
            claim.stance = [None] * len(targets) if targets else None  # filled in target order
            context = claim_context(claim)
            for slot, (target, sim) in enumerate(zip(targets, sims, strict=True)):
                if sim is not None and sim < self.relevance_threshold:
                    claim.stance[slot] = Stance(target, "neutral", 1.0, {}, round(sim, 4), True)
                    continue
                jobs.append((claim, "stance", target, slot, sim))
                pairs.append({"task": "stance", "target": target, "text": claim.span.text,
                              "context": context.text})
            actors = claim.span.doc._.actors
            if not self.actor_stance or actors is None:
                claim.actor_stance = None
                continue
            claim.actor_stance = []
            for actor, mention in mentioned_actors(claim, actors):
                offset = context.start_char
                jobs.append((claim, "actor", actor.id, -1, None))
                pairs.append({"task": "actor", "target": actor.name, "text": context.text,
                              "mention": (mention.start_char - offset,
                                          mention.end_char - offset)})
        probs = self._score_unique(pairs) if pairs else []
        from pipeline.stance.data import TASK_LABELS

        for (claim, kind, key, slot, sim), row in zip(jobs, probs, strict=True):
            names = TASK_LABELS[kind]
            best = max(range(len(names)), key=lambda k, row=row: row[k])
            scores = {n: float(p) for n, p in zip(names, row, strict=True)}
            if kind == "stance":
                claim.stance[slot] = Stance(key, names[best], float(row[best]), scores,
                                            None if sim is None else round(sim, 4))
            else:
                claim.actor_stance.append(ActorStance(key, names[best], float(row[best]), scores))

    def _relevance(self, claims: list[tuple[Claim, list[str]]]) -> list[list[float | None]]:
        """Cosine of each claim context with each of its targets (None everywhere when the
        gate is off); one embedding per distinct context however many targets it has."""
        todo = [i for i, (_, targets) in enumerate(claims) if targets]
        if not todo or self.relevance_threshold is None:
            return [[None] * len(targets) for _, targets in claims]
        gate = self.gate
        vectors = gate.embed([claim_context(claims[i][0]).text for i in todo])
        out: list[list[float | None]] = [[] for _ in claims]
        for i, vector in zip(todo, vectors, strict=True):
            out[i] = [float(x) for x in gate.target_embeddings(claims[i][1]) @ vector]
        return out
