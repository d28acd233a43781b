"""Serialise an annotated ``Doc`` into the versioned JSONL record (docs/schema.md): every span
becomes offsets into the original input text."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span

from . import SCHEMA_VERSION, __version__
from .errors import ClaimtraceError
from .paths import SCHEMA_PATH
from .types import Claim, Quote, Speaker


def original_offsets(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Map normalised character offsets to offsets in ``doc._.original_text``."""
    offsets, ends = doc._.offset_map, doc._.offset_ends
    if offsets is None:
        return start_char, end_char
    if end_char <= start_char:
        return offsets[start_char], offsets[start_char]
    return offsets[start_char], (ends[end_char - 1] if ends else offsets[end_char - 1] + 1)


def span_record(span: Span | None) -> dict[str, Any] | None:
    """``{start, end, text}`` in original offsets."""
    if span is None:
        return None
    doc = span.doc
    start, end = original_offsets(doc, span.start_char, span.end_char)
    text = doc._.original_text if doc._.original_text is not None else doc.text
    return {"start": start, "end": end, "text": text[start:end]}


def _speaker_record(speaker: Speaker | None, names: dict[str, str]) -> dict[str, Any] | None:
    if speaker is None:
        return None
    return {
        "mention": span_record(speaker.mention),
        "actor_id": speaker.actor_id,
        "name": names.get(speaker.actor_id) if speaker.actor_id else None,
        "resolution": speaker.resolution,
    }


def _quote_record(quote: Quote, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": quote.id,
        "type": quote.type,
        **span_record(quote.content),
        "cue": span_record(quote.cue),
        "speaker": _speaker_record(quote.speaker, names),
        "continues": quote.continues,
    }


def _scores_record(items: list | None, key: str) -> list[dict[str, Any]] | None:
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
        out.append(entry)
    return out


def _claim_record(claim: Claim, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": claim.id,
        "quote_id": claim.quote_id,
        "type": claim.type,
        **span_record(claim.span),
        "speaker": _speaker_record(claim.speaker, names),
        "cue": span_record(claim.cue),
        "stance": _scores_record(claim.stance, "target"),
        "actor_stance": _scores_record(claim.actor_stance, "actor_id"),
    }


def doc_to_record(
    doc: Doc,
    doc_id: str,
    meta: dict[str, Any] | None = None,
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSONL record of one annotated article."""
    actors = doc._.actors or []
    names = {a.id: a.name for a in actors}
    text = doc._.original_text if doc._.original_text is not None else doc.text
    return {
        "schema_version": SCHEMA_VERSION,
        "id": doc_id,
        "text": text,
        "meta": meta or {},
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "type": a.type,
                "mentions": [
                    {**span_record(m), "kind": m.label_ or "name"}
                    for m in sorted(a.mentions, key=lambda m: m.start)
                ],
                "roles": [span_record(r) for r in a.roles],
                "affiliations": list(a.affiliations),
            }
            for a in actors
        ],
        "quotes": [_quote_record(q, names) for q in doc._.quotes or []],
        "claims": [_claim_record(c, names) for c in doc._.claims or []],
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
