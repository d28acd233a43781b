"""spaCy component ``claimtrace_stance``: each claim's stance toward every target and its
sentiment toward every actor it mentions, scored in batches across docs.

Three stages, cheapest first, each recorded in the entry's ``method``:

1. ``gate``: the claim and each target are embedded with the base sentence encoder; pairs whose
   cosine is below ``relevance_threshold`` are neutral (``gated``).
2. ``first-pass``: a logistic-regression head on those same embeddings (``firstpass.npz`` next
   to the model); where it is at least as sure as its dev-chosen threshold, its answer stands.
   Actor sentiment has its own head (``firstpass-actor.npz``: the claim's embedding and the
   actor name's), used the same way.
3. ``cross-encoder``: the fine-tuned cross-encoder scores the remaining pairs, with calibrated
   probabilities and its neutral (abstain) threshold.

Stance work happens only for documents that have targets (config ``targets``, ``--target`` or
``meta.targets``): without one, a claim's ``stance`` and ``actor_stance`` are null and no model is
loaded. Every score is computed in fixed-shape batches, so an article's record never depends on
the other articles of its batch.
"""

import shutil
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.settings import fraction, whole
from pipeline.errors import ClaimtraceError, Errors
from pipeline.extensions import register_extensions, write_stance
from pipeline.paths import resolve
from pipeline.stance.config import BASE_PACKAGE
from pipeline.stance.config import DEFAULT_RELEVANCE_THRESHOLD as DEFAULT_THRESHOLD
from pipeline.stance.firstpass import FirstPass
from pipeline.types import ACTOR_STANCE_LABELS, STANCE_LABELS, Actor, ActorStance, Claim, Stance

if TYPE_CHECKING:  # torch and transformers load on first scoring, not on import: spaCy
    # imports every registered factory whenever it builds a pipeline (pipeline/runtime.py)
    from pipeline.stance.model import StanceModel
    from pipeline.stance.relevance import RelevanceGate

TASK_LABELS = {"stance": STANCE_LABELS, "actor": ACTOR_STANCE_LABELS}

GATE, FIRST_PASS, CROSS_ENCODER = "gate", "first-pass", "cross-encoder"


@Language.factory(
    "claimtrace_stance",
    assigns=["doc._.stance"],
    requires=["doc._.claims", "doc._.actors"],
    default_config={"targets": [], "model": "models/stance", "batch_size": 16,
                    "actor_stance": True, "threads": 0, "bf16": "auto",
                    "relevance_threshold": DEFAULT_THRESHOLD, "relevance_model": BASE_PACKAGE,
                    "first_pass": True, "context": False},
)
def make_stance(nlp: Language, name: str, targets: list[str], model: str, batch_size: int,
                actor_stance: bool, threads: int, bf16: bool | str,
                relevance_threshold: float | None, relevance_model: str, first_pass: bool,
                context: bool) -> "StanceComponent":
    register_extensions()
    batch_size = whole(name, "batch_size", batch_size, minimum=1)
    threads = whole(name, "threads", threads)
    if relevance_threshold is not None:
        relevance_threshold = fraction(name, "relevance_threshold", relevance_threshold)
    return StanceComponent(targets, model, batch_size, actor_stance, threads, bf16,
                           relevance_threshold, relevance_model, first_pass, context)


@lru_cache(maxsize=4)
def _cached_model(model: str, bf16: bool | str, threads: int) -> "StanceModel":
    """One model per process and setting (loaded on first use, not at pipeline build)."""
    from pipeline.stance.model import load_model

    return load_model(model, bf16=bf16, threads=threads or None)


@lru_cache(maxsize=8)
def _cached_first_pass(model: str, task: str = "stance") -> FirstPass | None:
    return FirstPass.load(Path(model), task) if Path(model).is_dir() else None


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

    def __init__(self, targets: list[str], model: str = "models/stance", batch_size: int = 16,
                 actor_stance: bool = True, threads: int = 0, bf16: bool | str = "auto",
                 relevance_threshold: float | None = DEFAULT_THRESHOLD,
                 relevance_model: str = BASE_PACKAGE, first_pass: bool = True,
                 context: bool = False) -> None:
        self.targets = [t for t in targets if t and t.strip()]
        self.relevance_threshold = relevance_threshold
        self.relevance_model = relevance_model
        self.model_path = str(model)  # as configured: provenance names the model by it
        self.model_dir: Path | None = None  # the copy saved with the pipeline, once loaded
        self.batch_size = batch_size
        self.actor_stance = actor_stance
        self.threads = threads
        self.bf16 = bf16
        self.use_first_pass = first_pass
        self.context = context

    @property
    def model_id(self) -> str:
        """How the record's provenance names the stance model."""
        return self.model_path

    def _model_location(self) -> str:
        if self.model_dir is not None:
            return str(self.model_dir)
        path = resolve(self.model_path)
        return str(path) if path.exists() else self.model_path

    @property
    def classifier(self) -> "StanceModel":
        """The stance model, loaded on first use. (Not named ``model``: spaCy reads
        ``component.model`` of every component while building a pipeline.)"""
        return _cached_model(self._model_location(), self.bf16, self.threads)

    @property
    def first_pass(self) -> FirstPass | None:
        """The stance first-pass head shipped with the model (None when off or absent)."""
        return self._first_pass("stance")

    @property
    def actor_first_pass(self) -> FirstPass | None:
        """The actor-sentiment first-pass head shipped with the model (None when off or
        absent: every actor pair then goes to the cross-encoder)."""
        return self._first_pass("actor")

    def _first_pass(self, task: str) -> FirstPass | None:
        if not self.use_first_pass or self.relevance_threshold is None:
            return None
        return _cached_first_pass(self._model_location(), task)

    # --- saved with the pipeline: nlp.to_disk copies a local model folder into DIR/stance ---
    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        """Copy the model folder (a local model or adapter) into ``path/model``; a hub id is
        not copied and stays a hub id."""
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
    def gate(self) -> "RelevanceGate | None":
        """The relevance gate, or None when ``relevance_threshold`` is null."""
        if self.relevance_threshold is None:
            return None
        from pipeline.stance.relevance import load_gate

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
        """Score all claims x targets (and actors) of a batch of docs in one pass."""
        docs = iter(docs)
        while chunk := list(islice(docs, batch_size or 16)):
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
        claims = [(doc, c, targets) for doc in docs if (targets := self.targets_for(doc))
                  for c in doc._.claims or []]
        if not claims:
            return  # no stance asked for: nothing is scored, stance stays null
        results: dict[int, list] = {k: [[None] * len(t), None]
                                    for k, (_, _, t) in enumerate(claims)}
        # (claim slot, kind, target or actor id, slot in its stance or actor list, relevance)
        jobs: list[tuple[int, str, str, int, float | None]] = []
        pairs: list[dict] = []
        relevance, first, claim_vectors = self._relevance_and_first_pass(claims)
        actors_of = {id(doc): doc._.actors for doc in docs}  # one view per doc, not per claim
        mentioned = {k: mentioned_actors(claim, actors_of[id(doc)])
                     for k, (doc, claim, _) in enumerate(claims)
                     if self.actor_stance and actors_of[id(doc)] is not None}
        actor_first = self._actor_first_pass(mentioned, claim_vectors)
        for k, (_, claim, targets) in enumerate(claims):
            context = claim_context(claim)
            for slot, target in enumerate(targets):
                sim = relevance[k][slot]
                if sim is not None and sim < self.relevance_threshold:
                    results[k][0][slot] = Stance(target, "neutral", 1.0, {}, round(sim, 4), True,
                                                 GATE)
                    continue
                if first[k][slot] is not None:
                    label, row = first[k][slot]
                    results[k][0][slot] = Stance(target, label, float(max(row)),
                                                 _named("stance", row), round(sim, 4), False,
                                                 FIRST_PASS)
                    continue
                jobs.append((k, "stance", target, slot, sim))
                pairs.append({"task": "stance", "target": target, "text": claim.span.text,
                              "context": context.text if self.context else ""})
            if k not in mentioned:
                continue
            results[k][1] = [None] * len(mentioned[k])
            for slot, (actor, mention) in enumerate(mentioned[k]):
                if (k, slot) in actor_first:
                    label, row = actor_first[k, slot]
                    results[k][1][slot] = ActorStance(actor.id, label, float(max(row)),
                                                      _named("actor", row), FIRST_PASS)
                    continue
                offset = context.start_char
                jobs.append((k, "actor", actor.id, slot, None))
                pairs.append({"task": "actor", "target": actor.name, "text": context.text,
                              "mention": (mention.start_char - offset,
                                          mention.end_char - offset)})
        probs = self._score_unique(pairs) if pairs else []
        labels = self.classifier.labels(pairs, probs) if pairs else []
        for (k, kind, key, slot, sim), row, best in zip(jobs, probs, labels, strict=True):
            name = TASK_LABELS[kind][best]
            if kind == "stance":
                results[k][0][slot] = Stance(key, name, float(row[best]), _named(kind, row),
                                             None if sim is None else round(sim, 4), False,
                                             CROSS_ENCODER)
            else:
                results[k][1][slot] = ActorStance(key, name, float(row[best]),
                                                  _named(kind, row), CROSS_ENCODER)
        for doc in docs:
            write_stance(doc, {claim.id: tuple(results[k])
                               for k, (d, claim, _) in enumerate(claims) if d is doc})

    def _relevance_and_first_pass(self, claims: list[tuple[Doc, Claim, list[str]]]):
        """Per claim and target: the gate's cosine (None when the gate is off) and the first
        pass's (label, probabilities) where it is confident (else None). One embedding per
        distinct claim text, one per target, shared by both."""
        none = [[None] * len(targets) for _, _, targets in claims]
        gate = self.gate
        if gate is None:
            return none, [row[:] for row in none], None
        claim_vectors = gate.embed([claim.span.text for _, claim, _ in claims])
        first_pass = self.first_pass
        relevance, first = [], []
        for (_, _, targets), u in zip(claims, claim_vectors, strict=True):
            v = gate.target_embeddings(targets)
            sims = [float(x) for x in v @ u]
            relevance.append(sims)
            row: list = [None] * len(targets)
            if first_pass is not None:
                probs = first_pass.probs(np.repeat(u[None, :], len(targets), 0), v)
                for slot, (p, ok) in enumerate(zip(probs, first_pass.confident(probs),
                                                   strict=True)):
                    if ok and sims[slot] >= self.relevance_threshold:
                        row[slot] = (TASK_LABELS["stance"][int(p.argmax())], p.tolist())
            first.append(row)
        return relevance, first, claim_vectors

    def _actor_first_pass(self, mentioned: dict[int, list[tuple[Actor, Span]]],
                          claim_vectors: np.ndarray | None) -> dict[tuple[int, int], tuple]:
        """(claim slot, actor slot) -> (label, probabilities) for the actor pairs the actor
        head is sure of: claim embedding (the gate's) and the actor's name embedding."""
        head = self.actor_first_pass
        keys = [(k, slot) for k, found in mentioned.items() for slot in range(len(found))]
        if head is None or claim_vectors is None or not keys:
            return {}
        names = [mentioned[k][slot][0].name for k, slot in keys]
        unique = list(dict.fromkeys(names))
        name_vectors = self.gate.embed(unique)
        row_of = {name: i for i, name in enumerate(unique)}
        probs = head.probs(claim_vectors[[k for k, _ in keys]],
                           name_vectors[[row_of[n] for n in names]])
        return {key: (ACTOR_STANCE_LABELS[int(p.argmax())], p.tolist())
                for key, p, ok in zip(keys, probs, head.confident(probs), strict=True) if ok}


def _named(task: str, row) -> dict[str, float]:
    return {n: float(p) for n, p in zip(TASK_LABELS[task], row, strict=True)}
