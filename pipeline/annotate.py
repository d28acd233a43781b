"""Run the pipeline over articles and yield JSONL records, one per input, in input order.

A document that crashes a component costs an error record, never the batch. :class:`RunSpec`
is what every process of a run (this one, ``--workers`` processes, Dask workers) needs to build
the same pipeline; :func:`build_nlp` builds it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from .errors import ClaimtraceError, ErrorCode, Errors
from .inputs import Article, InputFailure, article_targets
from .runtime import lean_imports

if TYPE_CHECKING:  # spaCy is imported by build_nlp, after lean_imports()
    from spacy.language import Language
    from spacy.tokens import Doc


@dataclass(frozen=True)
class RunSpec:
    """How to build the run's pipeline in any process: plain, picklable data.

    ``exclude`` names components the run does not use (``stance`` when no article has a stance
    target); they are never constructed, so their libraries are never imported."""

    config: str
    overrides_json: str = "{}"
    config_name: str = ""  # the config as the user named it, for messages
    targets: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_chars: int = 1_000_000
    one_thread: bool = False

    @property
    def overrides(self) -> dict[str, Any]:
        return json.loads(self.overrides_json)


def build_nlp(spec: RunSpec) -> Language:
    """Load the pipeline ``spec`` describes; a bad config raises a coded error (E101-E103,
    E111 for what spaCy's own validation rejects, such as an unknown ``--set`` key)."""
    lean_imports()
    from catalogue import RegistryError
    from confection import ConfigValidationError

    from .build import load_pipeline

    try:
        nlp = load_pipeline(spec.config, spec.overrides, exclude=spec.exclude)
    except (ConfigValidationError, RegistryError, ValueError, TypeError, KeyError) as exc:
        raise ClaimtraceError(
            Errors.E111, path=spec.config_name or spec.config, detail=short_reason(exc)
        ) from exc
    # The normaliser may add a few characters (spaces around dashes), so leave room above the
    # run's own --max-chars check; spaCy's default limit is 1,000,000.
    nlp.max_length = max(nlp.max_length, 2 * spec.max_chars + 1)
    if spec.one_thread and "stance" in nlp.pipe_names and not nlp.get_pipe("stance").threads:
        nlp.get_pipe("stance").threads = 1  # one torch thread per process when several run
    return nlp


def short_reason(exc: BaseException) -> str:
    """A one-line reason from spaCy's and confection's multi-line config errors."""
    errors = getattr(exc, "errors", None)
    if errors:
        where = f"{exc.parent} " if getattr(exc, "parent", None) else ""
        parts = [
            f"{where}key {'.'.join(str(x) for x in e.get('loc', []))!r}: {e.get('msg', '')}"
            for e in errors
        ]
        return "; ".join(parts)[:300]
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return " ".join(lines)[:300] or exc.__class__.__name__


def error_as_dict(exc: BaseException) -> dict[str, str]:
    """A coded error as plain data, to send from a worker process (E009 if it is not coded)."""
    if isinstance(exc, ClaimtraceError):
        return exc.to_dict()
    return ClaimtraceError(Errors.E009, name="the pipeline", detail=repr(exc)[:300]).to_dict()


def error_from_dict(data: dict[str, str]) -> ClaimtraceError:
    """The coded error a worker process sent as :func:`error_as_dict`."""
    literal = ErrorCode(data["code"], "{message}", "{hint}")
    return ClaimtraceError(literal, message=data["message"], hint=data["hint"])


def _make_doc(nlp: Language, article: Article, extra_targets: list[str]) -> Doc:
    doc = nlp.make_doc(article.text)
    targets = [*extra_targets, *article_targets(article)]
    doc._.stance_targets = targets or None
    doc._.warnings = []
    return doc


def annotate_articles(
    nlp: Language, articles: list[Article], targets: list[str], provenance: dict[str, Any]
) -> list[dict[str, Any]]:
    """Records for ``articles`` in order; an article that crashes the pipeline gets an E009
    error record and the others are annotated again without it."""
    from .record import doc_to_record, error_record

    if not articles:
        return []
    try:
        docs = list(
            nlp.pipe([_make_doc(nlp, a, targets) for a in articles], batch_size=len(articles))
        )
        return [
            doc_to_record(d, a.id, a.meta, provenance)
            for d, a in zip(docs, articles, strict=True)
        ]
    except Exception as exc:  # noqa: BLE001  -- isolate the failing document below
        if len(articles) == 1:
            err = ClaimtraceError(
                Errors.E009, name=articles[0].source or articles[0].id, detail=repr(exc)[:300]
            )
            return [error_record(articles[0].id, articles[0].source, err)]
    out: list[dict[str, Any]] = []
    for article in articles:
        out.extend(annotate_articles(nlp, [article], targets, provenance))
    return out


def failure_record(item: InputFailure) -> dict[str, Any]:
    """The error record of an input that could not be read."""
    from .record import error_record

    return error_record(item.id, item.source, item.error)


def annotate(
    nlp: Language,
    items: Iterable[Article | InputFailure],
    targets: list[str] | None = None,
    batch_size: int = 64,
) -> Iterator[dict[str, Any]]:
    """Yield a record (or an error record) for each input item, in order."""
    from .record import provenance_of

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    provenance = provenance_of(nlp)
    iterator = iter(items)
    while chunk := list(islice(iterator, batch_size)):
        articles = [it for it in chunk if isinstance(it, Article)]
        done = iter(annotate_articles(nlp, articles, list(targets or []), provenance))
        for item in chunk:
            yield failure_record(item) if isinstance(item, InputFailure) else next(done)
