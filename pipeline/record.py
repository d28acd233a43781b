"""Serialise an annotated ``Doc`` into the versioned JSONL record (docs/schema.md): every span
becomes offsets into the original input text."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span

from . import SCHEMA_VERSION, __version__
from .errors import ClaimtraceError
from .normalise import NormalisedText
from .paths import SCHEMA_PATH
from .types import Actor, Claim, Quote, Speaker


class OffsetMapper:
    """Maps spans of the normalised ``doc.text`` to ``{start, end, text}`` in the original
    input, through the normaliser's own offset map (``NormalisedText.to_original``)."""

    def __init__(self, doc: Doc) -> None:
        self.text = doc._.original_text if doc._.original_text is not None else doc.text
        offsets, ends = doc._.offset_map, doc._.offset_ends
        if offsets is None:  # a Doc made without the normalising tokenizer
            offsets, ends = list(range(len(doc.text) + 1)), list(range(1, len(doc.text) + 1))
        self.norm = NormalisedText(doc.text, offsets, ends)

    def span(self, span: Span | None) -> dict[str, Any] | None:
        """``{start, end, text}`` in original offsets (None for no span)."""
        if span is None:
            return None
        start, end = self.norm.to_original(span.start_char, span.end_char)
        return {"start": start, "end": end, "text": self.text[start:end]}


def span_record(span: Span | None) -> dict[str, Any] | None:
    """``{start, end, text}`` of one span in original offsets."""
    return None if span is None else OffsetMapper(span.doc).span(span)


def _speaker_record(
    speaker: Speaker | None, names: dict[str, str], spans: OffsetMapper
) -> dict[str, Any] | None:
    if speaker is None:
        return None
    return {
        "mention": spans.span(speaker.mention),
        "actor_id": speaker.actor_id,
        "name": names.get(speaker.actor_id) if speaker.actor_id else None,
        "resolution": str(speaker.resolution),
    }


def _quote_record(quote: Quote, names: dict[str, str], spans: OffsetMapper) -> dict[str, Any]:
    return {
        "id": quote.id,
        "type": str(quote.type),
        **spans.span(quote.content),
        "cue": spans.span(quote.cue),
        "speaker": _speaker_record(quote.speaker, names, spans),
        "continues": quote.continues,
    }


def _scores_record(items: tuple | None, key: str) -> list[dict[str, Any]] | None:
    """Serialise ``Stance``/``ActorStance`` lists; ``key`` names what each one is about."""
    if items is None:
        return None
    out = []
    for item in items:
        entry = {
            key: getattr(item, key),
            "label": item.label,
            "score": round(item.score, 4),
            "scores": {k: round(v, 4) for k, v in item.scores.items()},
        }
        if getattr(item, "relevance", None) is not None:
            entry["relevance"] = item.relevance
            entry["gated"] = item.gated
        if getattr(item, "method", None):
            entry["method"] = item.method
        out.append(entry)
    return out


def _claim_record(claim: Claim, names: dict[str, str], spans: OffsetMapper) -> dict[str, Any]:
    return {
        "id": claim.id,
        "quote_id": claim.quote_id,
        "type": str(claim.type),
        **spans.span(claim.span),
        "speaker": _speaker_record(claim.speaker, names, spans),
        "cue": spans.span(claim.cue),
        "stance": _scores_record(claim.stance, "target"),
        "actor_stance": _scores_record(claim.actor_stance, "actor_id"),
    }


def _actor_record(actor: Actor, spans: OffsetMapper) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "type": str(actor.type),
        "mentions": [
            {**spans.span(m), "kind": m.label_ or "name"}
            for m in sorted(actor.mentions, key=lambda m: m.start)
        ],
        "roles": [spans.span(r) for r in actor.roles],
        "affiliations": list(actor.affiliations),
    }


def doc_to_record(
    doc: Doc,
    doc_id: str,
    meta: dict[str, Any] | None = None,
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSONL record of one annotated article (from what is stored on the Doc, so a Doc
    restored from ``DocBin`` or ``doc.to_bytes`` gives the same record)."""
    spans = OffsetMapper(doc)
    actors = doc._.actors or []
    names = {a.id: a.name for a in actors}
    return {
        "schema_version": SCHEMA_VERSION,
        "id": doc_id,
        "text": spans.text,
        "meta": meta or {},
        "actors": [_actor_record(a, spans) for a in actors],
        "quotes": [_quote_record(q, names, spans) for q in doc._.quotes or []],
        "claims": [_claim_record(c, names, spans) for c in doc._.claims or []],
        "warnings": list(doc._.warnings or []),
        "provenance": provenance or {},
    }


def provenance_of(nlp) -> dict[str, Any]:
    """Package, config and model identity for every record made by ``nlp``."""
    info = nlp.meta.get("claimtrace", {})
    stance_model = None
    if "stance" in nlp.pipe_names:
        stance_model = getattr(nlp.get_pipe("stance"), "model_id", None)
    return {
        "package": "claimtrace",
        "version": __version__,
        "config_hash": info.get("config_hash", "unknown"),
        "spacy_model": info.get("spacy_model", nlp.meta.get("name", "unknown")),
        "spacy_model_version": info.get("spacy_model_version", nlp.meta.get("version", "unknown")),
        "stance_model": stance_model,
    }


def error_record(doc_id: str, source: str, error: ClaimtraceError) -> dict[str, Any]:
    """The record written in place of an article that could not be processed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": doc_id,
        "source": source,
        "error": error.to_dict(),
    }


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate_record(record: dict[str, Any]) -> list[str]:
    """Schema violations of a record (empty when valid)."""
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in _validator().iter_errors(record)]
