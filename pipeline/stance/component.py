"""spaCy component ``claimtrace_stance``: each claim's stance toward every target and its
sentiment toward every actor mentioned in its sentence context, scored in batches across docs."""

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import register_extensions
from pipeline.paths import resolve
from pipeline.stance.data import TASK_LABELS
from pipeline.stance.model import StanceModel, load_model
from pipeline.types import Actor, ActorStance, Claim, Stance


@Language.factory(
    "claimtrace_stance",
    assigns=["doc._.claims"],
    requires=["doc._.claims"],
    default_config={"targets": [], "model": "models/stance", "batch_size": 64,
                    "actor_stance": True, "threads": 0, "bf16": "auto"},
)
def make_stance(nlp: Language, name: str, targets: list[str], model: str, batch_size: int,
                actor_stance: bool, threads: int, bf16: bool | str) -> "StanceComponent":
    register_extensions()
    return StanceComponent(targets, model, batch_size, actor_stance, threads, bf16)


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
    """Actors with a mention inside the claim's context, each with its first such mention.

    The mention that names the claim's own speaker ("..., said Ann Lee") does not count."""
    ctx = claim_context(claim)
    speaker = claim.speaker.mention if claim.speaker else None
    found = []
    for actor in actors:
        for m in sorted(actor.mentions, key=lambda s: s.start):
            inside = ctx.start <= m.start and m.end <= ctx.end
            is_speaker = speaker is not None and (m.start, m.end) == (speaker.start, speaker.end)
            if inside and not is_speaker:
                found.append((actor, m))
                break
    return found


class StanceComponent:
    """Fills ``claim.stance`` and ``claim.actor_stance`` for every claim of a doc."""

    def __init__(self, targets: list[str], model: str = "models/stance", batch_size: int = 64,
                 actor_stance: bool = True, threads: int = 0, bf16: bool | str = "auto") -> None:
        self.targets = [t for t in targets if t and t.strip()]
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
    def model(self) -> StanceModel:
        path = resolve(self.model_path)
        return _cached_model(str(path) if path.exists() else self.model_path, self.bf16,
                             self.threads)

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
        jobs: list[tuple[Claim, str, object]] = []  # (claim, kind, target/actor id)
        pairs: list[dict] = []
        for doc in docs:
            targets = self.targets_for(doc)
            actors = doc._.actors
            for claim in doc._.claims or []:
                claim.stance = [] if targets else None
                context = claim_context(claim)
                for target in targets:
                    jobs.append((claim, "stance", target))
                    pairs.append({"task": "stance", "target": target, "text": claim.span.text,
                                  "context": context.text})
                if not self.actor_stance or actors is None:
                    claim.actor_stance = None
                    continue
                claim.actor_stance = []
                for actor, mention in mentioned_actors(claim, actors):
                    offset = context.start_char
                    jobs.append((claim, "actor", actor.id))
                    pairs.append({"task": "actor", "target": actor.name, "text": context.text,
                                  "mention": (mention.start_char - offset,
                                              mention.end_char - offset)})
        if not pairs:
            return
        probs = self._score_unique(pairs)
        for (claim, kind, key), row in zip(jobs, probs, strict=True):
            names = TASK_LABELS[kind]
            best = max(range(len(names)), key=lambda k, row=row: row[k])
            scores = {n: float(p) for n, p in zip(names, row, strict=True)}
            if kind == "stance":
                claim.stance.append(Stance(key, names[best], float(row[best]), scores))
            else:
                claim.actor_stance.append(ActorStance(key, names[best], float(row[best]), scores))
