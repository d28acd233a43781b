"""Run the pipeline over articles and yield JSONL records, one per input, in input order.

A document that crashes a component costs an error record, never the batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .errors import ClaimtraceError, Errors
from .inputs import Article, InputFailure
from .record import doc_to_record, error_record, provenance_of


def _make_doc(nlp: Language, article: Article, extra_targets: list[str]) -> Doc:
    doc = nlp.make_doc(article.text)
    targets = list(extra_targets)
    meta_targets = article.meta.get("targets") if isinstance(article.meta, dict) else None
    if isinstance(meta_targets, list):
        targets += [t for t in meta_targets if isinstance(t, str) and t.strip()]
    doc._.stance_targets = targets or None
    doc._.warnings = []
    return doc


def _run_batch(
    nlp: Language, batch: list[Article], targets: list[str], provenance: dict[str, Any]
) -> list[dict]:
    try:
        docs = list(nlp.pipe([_make_doc(nlp, a, targets) for a in batch], batch_size=len(batch)))
        return [
            doc_to_record(d, a.id, a.meta, provenance) for d, a in zip(docs, batch, strict=True)
        ]
    except Exception:  # noqa: BLE001  -- isolate the failing document below
        if len(batch) == 1:
            raise
    out = []
    for article in batch:
        try:
            out.extend(_run_batch(nlp, [article], targets, provenance))
        except Exception as exc:  # noqa: BLE001
            err = ClaimtraceError(
                Errors.E009, name=article.source or article.id, detail=repr(exc)[:300]
            )
            out.append(error_record(article.id, article.source, err))
    return out


def annotate(
    nlp: Language,
    items: Iterable[Article | InputFailure],
    targets: list[str] | None = None,
    batch_size: int = 16,
) -> Iterator[dict[str, Any]]:
    """Yield a record (or an error record) for each input item, in order."""
    provenance = provenance_of(nlp)
    iterator = iter(items)
    while True:
        chunk = list(islice(iterator, batch_size))
        if not chunk:
            return
        articles = [it for it in chunk if isinstance(it, Article)]
        done = iter(_run_batch(nlp, articles, list(targets or []), provenance) if articles else [])
        for item in chunk:
            if isinstance(item, InputFailure):
                yield error_record(item.id, item.source, item.error)
            else:
                yield next(done)
