"""Claims (and their stance) for quotes that annotators added, made by the pipeline itself.

An annotator who draws a QUOTE the pipeline missed gives it content, speaker and cue, but no
claims: claims are the pipeline's job. At pull time each such quote is handed back to the
pipeline's own components: the record's text becomes a ``Doc`` again (the pipeline's
tokenizer, parser and sentence boundaries), the record's actors and the added quotes are put on
it, and ``nlp.pipe`` runs with the stages that *find* actors, quotes and speakers disabled, so
the ``claims`` component splits the quotes into claims and the ``stance`` component scores them
against the record's targets. ``pipeline.record.doc_to_record`` serialises the result.

Only quotes with a speaker get claims (the pipeline makes claims from attributed quotes only);
an added quote without one gets warning W302. Derived claims carry ``review: "rerun"`` and
their stance items ``review: "machine"`` (never gold). A quote the annotator already split into
CLAIM spans is left alone.

This module is the one place where the doccano bridge builds the pipeline's ``Doc``-level
objects (``pipeline.types``) from a record; keep it in step with them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.record import doc_to_record
from pipeline.types import Actor, Quote, Speaker

FINDERS = ("actors", "quotes", "attribution")  # stages replaced by the pulled record
ANNOTATOR_CUE = "syntax"  # how an annotator-drawn cue was "found": the cue governs the quote


def quotes_to_rerun(record: dict) -> list[dict]:
    """Annotator-added quotes with a speaker and no claim of their own."""
    with_claims = {c["quote_id"] for c in record["claims"]}
    return [
        q
        for q in record["quotes"]
        if q.get("review") == "added" and q.get("speaker") and q["id"] not in with_claims
    ]


def _speakerless(record: dict) -> list[dict]:
    return [q for q in record["quotes"] if q.get("review") == "added" and not q.get("speaker")]


def _targets(record: dict) -> list[str]:
    """The record's stance targets: those its claims were scored against, then meta.targets."""
    found = [i["target"] for c in record["claims"] for i in c.get("stance") or []]
    own = (record.get("meta") or {}).get("targets")
    if isinstance(own, list):
        found += [t for t in own if isinstance(t, str) and t.strip()]
    return list(dict.fromkeys(found))


class _Spans:
    """Original-text offsets of a record as spans of the pipeline's (normalised) ``Doc``."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = doc._.offset_map

    def _normalised(self, offset: int) -> int:
        if self.starts is None:
            return offset
        return min(bisect_left(self.starts, offset), len(self.doc.text))

    def __call__(self, item: dict | None, label: str = "") -> Span | None:
        if not item:
            return None
        start, end = self._normalised(item["start"]), self._normalised(item["end"])
        return self.doc.char_span(start, max(end, start + 1), label=label, alignment_mode="expand")


def _doc_for(nlp: Language, record: dict, quotes: list[dict]) -> Doc:
    doc = nlp.make_doc(record["text"])
    span = _Spans(doc)
    # Plain strings and tuples: the record's values, valid for the typed views too.
    doc._.actors = [
        Actor(
            id=a["id"],
            name=a["name"],
            type=a["type"],
            mentions=tuple(span(m, m.get("kind", "name")) for m in a["mentions"]),
            roles=tuple(span(r) for r in a.get("roles") or []),
            affiliations=tuple(a.get("affiliations") or ()),
        )
        for a in record["actors"]
    ]
    doc._.quotes = [
        Quote(
            id=q["id"],
            content=span(q),
            type=q["type"],
            cue=span(q.get("cue")),
            speaker=Speaker(
                mention=span(q["speaker"].get("mention")),
                actor_id=q["speaker"].get("actor_id"),
                resolution=q["speaker"].get("resolution") or "unresolved",
            ),
            how=ANNOTATOR_CUE if q.get("cue") else None,
        )
        for q in quotes
    ]
    doc._.stance_targets = _targets(record) or None
    doc._.warnings = []
    return doc


def _next_number(prefix: str, items: list[dict]) -> int:
    numbers = [int(m.group(1)) for i in items if (m := re.fullmatch(rf"{prefix}(\d+)", i["id"]))]
    return max(numbers, default=0) + 1


def rerun_added_quotes(records: list[dict], load: Callable[[], Language]) -> int:
    """Add the pipeline's claims (and stance) for annotator-added quotes to ``records`` in
    place; returns how many claims were added. ``load`` gives the pipeline (called only when
    some record needs it)."""
    todo = [(r, quotes_to_rerun(r)) for r in records]
    todo = [(r, q) for r, q in todo if q]
    for record in records:
        for quote in _speakerless(record):
            record["warnings"].append(
                {
                    "code": "W302",
                    "message": f"Annotator-added quote {quote['id']} has no SPEAKER_OF relation, "
                    "so it has no claims; draw one to get them on the next pull.",
                }
            )
    if not todo:
        return 0
    nlp = load()
    skip = [name for name in FINDERS if name in nlp.pipe_names]
    docs = [_doc_for(nlp, record, quotes) for record, quotes in todo]
    added = 0
    for (record, _), doc in zip(todo, nlp.pipe(docs, disable=skip), strict=True):
        derived = doc_to_record(doc, record["id"], record["meta"], record["provenance"])["claims"]
        number = _next_number("C", record["claims"])
        for claim in derived:
            claim["id"] = f"C{number}"
            number += 1
            claim["review"] = "rerun"
            for item in claim.get("stance") or []:
                item["review"] = "machine"
            record["claims"].append(claim)
            added += 1
    return added


def loader(config: str | None, overrides: dict | None = None) -> Callable[[], Language]:
    """Load the pipeline lazily (only when some pulled record needs it)."""
    cache: dict[str, Language] = {}

    def load() -> Language:
        if "nlp" not in cache:
            from pipeline.build import DEFAULT_CONFIG, load_pipeline

            cache["nlp"] = load_pipeline(config or DEFAULT_CONFIG, overrides)
        return cache["nlp"]

    return load
