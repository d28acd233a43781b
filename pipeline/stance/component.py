"""spaCy component ``claimtrace_stance``: each claim's stance toward every target and its
sentiment toward every actor it mentions, scored in batches across docs.

A relevance gate (``relevance.py``) first compares each claim's sentence context with each
target; only pairs at or above ``relevance_threshold`` go to the cross-encoder, the rest are
neutral (``gated``). ``relevance_threshold = null`` sends every pair to the cross-encoder."""

import shutil
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.errors import ClaimtraceError, Errors
from pipeline.extensions import register_extensions, write_stance
from pipeline.paths import resolve
from pipeline.stance.data import TASK_LABELS
from pipeline.stance.model import BASE_PACKAGE, StanceModel, load_model
from pipeline.stance.relevance import DEFAULT_THRESHOLD, RelevanceGate, load_gate
from pipeline.types import Actor, ActorStance, Claim, Stance


@Language.factory(
    "claimtrace_stance",
    assigns=["doc._.stance"],
    requires=["doc._.claims", "doc._.actors"],
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
def _cached_model(model: str, bf16: bool | str, threads: int) -> StanceModel:
    """One model per process and setting (loaded on first use, not at pipeline build)."""
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
    """Scores every claim of a doc; results go to ``doc._.stance`` (read through
    ``doc._.claims``: ``Claim.stance``, ``Claim.actor_stance``)."""

    def __init__(self, targets: list[str], model: str = "models/stance", batch_size: int = 64,
                 actor_stance: bool = True, threads: int = 0, bf16: bool | str = "auto",
                 relevance_threshold: float | None = DEFAULT_THRESHOLD,
                 relevance_model: str = BASE_PACKAGE) -> None:
        self.targets = [t for t in targets if t and t.strip()]
        self.relevance_threshold = relevance_threshold
        self.relevance_model = relevance_model
        self.model_path = str(model)  # as configured: provenance names the model by it
        self.model_dir: Path | None = None  # the copy saved with the pipeline, once loaded
        self.batch_size = batch_size
        self.actor_stance = actor_stance
        self.threads = threads
        self.bf16 = bf16

    @property
    def model_id(self) -> str:
        """How the record's provenance names the stance model."""
        return self.model_path

    @property
    def classifier(self) -> StanceModel:
        """The stance model, loaded on first use. (Not named ``model``: spaCy reads
        ``component.model`` of every component while building a pipeline.)"""
        if self.model_dir is not None:
            return _cached_model(str(self.model_dir), self.bf16, self.threads)
        path = resolve(self.model_path)
        return _cached_model(str(path) if path.exists() else self.model_path, self.bf16,
                             self.threads)

    # --- saved with the pipeline: nlp.to_disk copies a local model folder into DIR/stance ---
    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        """Copy the model folder (a local adapter or full model) into ``path/model``; a hub
        id is not copied and stays a hub id."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        source = self.model_dir or resolve(self.model_path)
        if source.is_dir():
            target = path / "model"
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("README.md", "*.md"))

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> "StanceComponent":
        """Use the model saved in ``path/model`` (when one was saved)."""
        saved = Path(path) / "model"
        if saved.is_dir():
            if not any(saved.iterdir()):
                raise ClaimtraceError(Errors.E153, path=str(saved), what="the stance model files")
            self.model_dir = saved
        return self

    @property
    def gate(self) -> RelevanceGate | None:
        """The relevance gate, or None when ``relevance_threshold`` is null."""
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
        scored = self.classifier.score(unique, batch_size=self.batch_size)
        return [scored[index[repr(sorted(pair.items()))]] for pair in pairs]

    def _score_docs(self, docs: list[Doc]) -> None:
        # (claim slot, kind, target or actor id, slot in its stance list, relevance)
        jobs: list[tuple[int, str, str, int, float | None]] = []
        pairs: list[dict] = []
        claims = [(doc, c, self.targets_for(doc)) for doc in docs for c in doc._.claims or []]
        contexts = [claim_context(c) for _, c, _ in claims]  # once per claim
        relevance = self._relevance([(ctx, t) for ctx, (_, _, t) in zip(contexts, claims,
                                                                        strict=True)])
        actors_of = {id(doc): doc._.actors for doc in docs}  # one view per doc, not per claim
        stances: list[list[Stance | None] | None] = []
        actor_stances: list[list[ActorStance] | None] = []
        for k, ((doc, claim, targets), sims) in enumerate(zip(claims, relevance, strict=True)):
            stances.append([None] * len(targets) if targets else None)  # filled in target order
            context = contexts[k]
            for slot, (target, sim) in enumerate(zip(targets, sims, strict=True)):
                if sim is not None and sim < self.relevance_threshold:
                    stances[k][slot] = Stance(target, "neutral", 1.0, {}, round(sim, 4), True)
                    continue
                jobs.append((k, "stance", target, slot, sim))
                pairs.append({"task": "stance", "target": target, "text": claim.span.text,
                              "context": context.text})
            actors = actors_of[id(doc)]
            if not self.actor_stance or actors is None:
                actor_stances.append(None)
                continue
            actor_stances.append([])
            for actor, mention in mentioned_actors(claim, actors):
                offset = context.start_char
                jobs.append((k, "actor", actor.id, -1, None))
                pairs.append({"task": "actor", "target": actor.name, "text": context.text,
                              "mention": (mention.start_char - offset,
                                          mention.end_char - offset)})
        probs = self._score_unique(pairs) if pairs else []
        for (k, kind, key, slot, sim), row in zip(jobs, probs, strict=True):
            names = TASK_LABELS[kind]
            best = max(range(len(names)), key=lambda j, row=row: row[j])
            scores = {n: float(p) for n, p in zip(names, row, strict=True)}
            if kind == "stance":
                stances[k][slot] = Stance(key, names[best], float(row[best]), scores,
                                          None if sim is None else round(sim, 4))
            else:
                actor_stances[k].append(ActorStance(key, names[best], float(row[best]), scores))
        for doc in docs:
            results = {claim.id: (stances[k], actor_stances[k])
                       for k, (d, claim, _) in enumerate(claims) if d is doc}
            write_stance(doc, results)

    def _relevance(self, claims: list[tuple[Span, list[str]]]) -> list[list[float | None]]:
        """Cosine of each (claim context, targets) with each target (None everywhere when the
        gate is off); one embedding per distinct context however many targets it has."""
        todo = [i for i, (_, targets) in enumerate(claims) if targets]
        if not todo or self.relevance_threshold is None:
            return [[None] * len(targets) for _, targets in claims]
        gate = self.gate
        vectors = gate.embed([claims[i][0].text for i in todo])
        out: list[list[float | None]] = [[] for _ in claims]
        for i, vector in zip(todo, vectors, strict=True):
            out[i] = [float(x) for x in gate.target_embeddings(claims[i][1]) @ vector]
        return out
