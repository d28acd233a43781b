"""The claimtrace state on a ``Doc``: what is stored, and the typed views over it.

Everything a component writes is something spaCy serialises (``doc.to_bytes``, ``DocBin`` with
``store_user_data=True``, ``nlp.pipe(..., as_tuples)`` across processes): span groups, whose
spans carry ids in ``label_``/``id_``/``kb_id_``, and extension values made of plain data
(str, int, float, bool, None, lists and dicts). No Python objects, no ``user_data`` side channel.

| storage | written by | holds |
|---|---|---|
| ``doc._.original_text``, ``offset_map``, ``offset_ends`` | tokenizer | input, offset map |
| ``doc._.layout`` | ``claimtrace_index`` | paragraph per token, heading flag per sentence |
| ``doc.spans["quoted"]`` | ``claimtrace_index`` | every paired quote-mark span |
| ``doc._.actor_table`` | actors, attribution | ``{id, name, type, key, affiliations}`` per actor |
| ``doc.spans["actor_mentions"]`` | actors, attribution | label_ mention kind, kb_id_ actor id |
| ``doc.spans["actor_roles"]`` | actors | label_ ``ROLE``, kb_id_ actor id |
| ``doc._.quote_candidates`` | quotes, spans | ``{type, content, cue, how[, source, group]}`` |
| ``doc.spans["quotes"]`` | attribution | label_ quote type, id_ quote id |
| ``doc.spans["cues"]`` | attribution | label_ how the cue was found, id_ quote id |
| ``doc.spans["speakers"]`` | attribution | label_ resolution, id_ quote id, kb_id_ actor id |
| ``doc._.quote_continues`` | attribution | ``{quote id: id of the quote it continues}`` |
| ``doc.spans["claims"]`` | claims | label_ quote type, id_ claim id, kb_id_ quote id |
| ``doc._.stance`` | stance | ``{claim id: {"stance": [...], "actor_stance": [...]}}`` |
| ``doc._.stance_targets``, ``warnings`` | the caller | per-document targets, coded warnings |

``doc._.actors``, ``doc._.quotes`` and ``doc._.claims`` are views (``pipeline.types``): reading
builds them from the storage, assigning a list writes it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from spacy.tokens import Doc, Span

from .types import (
    Actor,
    ActorStance,
    ActorType,
    Claim,
    CueKind,
    MentionKind,
    Quote,
    QuoteType,
    Resolution,
    Speaker,
    Stance,
)

ACTOR_MENTIONS, ACTOR_ROLES = "actor_mentions", "actor_roles"
QUOTED, QUOTES, CUES, SPEAKERS, CLAIMS = "quoted", "quotes", "cues", "speakers", "claims"
ROLE_LABEL = "ROLE"

PLAIN_EXTENSIONS = {
    "original_text": None,  # the input text as given
    "offset_map": None,  # list[int]: normalised char -> original start index (len+1 items)
    "offset_ends": None,  # list[int]: normalised char -> original end index (exclusive)
    "layout": None,  # {"paragraph": [int per token], "heading": [bool per sentence]}
    "actor_table": None,  # list[dict]: id, name, type, key (name parts), affiliations
    "quote_candidates": None,  # list[dict]: type, content [start, end], cue [start, end], how
    "quote_continues": None,  # dict[str, str]: quote id -> id of the quote it continues
    "stance": None,  # dict[str, dict]: claim id -> {"stance": [...]|None, "actor_stance": ...}
    "stance_targets": None,  # list[str]: per-document targets (meta.targets), added to config ones
    "warnings": None,  # list[dict]: coded warnings for this document
}


def register_extensions() -> None:
    """Register the Doc extensions claimtrace uses; safe to call repeatedly."""
    for name, default in PLAIN_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    views = {
        "actors": (read_actors, write_actors),
        "quotes": (read_quotes, write_quotes),
        "claims": (read_claims, write_claims),
    }
    for name, (getter, setter) in views.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter, setter=setter)


def _span(doc: Doc, bounds: list[int] | None, label: str = "") -> Span | None:
    return None if bounds is None else Span(doc, bounds[0], bounds[1], label=label)


def _bounds(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _by_key(group: str, doc: Doc, attr: str) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    if group in doc.spans:
        for span in doc.spans[group]:
            out.setdefault(getattr(span, attr), []).append(span)
    return out


# --- actors ----------------------------------------------------------------------------------
def read_actors(doc: Doc) -> list[Actor] | None:
    """The actors view, or None before the actors component ran."""
    table = doc._.actor_table
    if table is None:
        return None
    mentions = _by_key(ACTOR_MENTIONS, doc, "kb_id_")
    roles = _by_key(ACTOR_ROLES, doc, "kb_id_")
    return [
        Actor(
            id=row["id"],
            name=row["name"],
            type=ActorType(row["type"]),
            mentions=tuple(Span(doc, m.start, m.end, label=m.label_)
                           for m in mentions.get(row["id"], [])),
            roles=tuple(Span(doc, r.start, r.end) for r in roles.get(row["id"], [])),
            affiliations=tuple(row.get("affiliations") or ()),
        )
        for row in table
    ]


def write_actors(doc: Doc, actors: list[Actor] | None, keys: dict[str, list[str]] | None = None
                 ) -> None:
    """Store ``actors`` (and each actor's clustering key, when given) on ``doc``."""
    if actors is None:
        doc._.actor_table = None
        return
    old = {row["id"]: row.get("key") for row in doc._.actor_table or []}
    keys = keys or {}
    doc._.actor_table = [
        {"id": a.id, "name": a.name, "type": str(a.type),
         "key": list(keys.get(a.id, old.get(a.id)) or []), "affiliations": list(a.affiliations)}
        for a in actors
    ]
    doc.spans[ACTOR_MENTIONS] = [
        Span(doc, m.start, m.end, label=m.label_ or MentionKind.NAME.value, kb_id=a.id)
        for a in actors for m in a.mentions
    ]
    doc.spans[ACTOR_ROLES] = [
        Span(doc, r.start, r.end, label=ROLE_LABEL, kb_id=a.id) for a in actors for r in a.roles
    ]


def actor_keys(doc: Doc) -> dict[str, tuple[str, ...]]:
    """Each actor's clustering key (the name parts it is matched by)."""
    return {row["id"]: tuple(row.get("key") or ()) for row in doc._.actor_table or []}


# --- quotes ----------------------------------------------------------------------------------
def read_candidates(doc: Doc) -> list[Quote]:
    """The quote stage's candidates (no ids, no speakers yet), in text order."""
    out = []
    for row in doc._.quote_candidates or []:
        how = CueKind(row["how"]) if row.get("how") else None
        out.append(Quote(id="", content=_span(doc, row["content"]), type=QuoteType(row["type"]),
                         cue=_span(doc, row.get("cue")), how=how))
    return out


def write_candidates(doc: Doc, candidates: list[Quote],
                     hints: list[tuple[Span | None, int | None]] | None = None) -> None:
    """Store candidates; ``hints`` (one per candidate, from the span tagger) add the source
    span it tagged and the group of fragments the candidate belongs to."""
    rows = [
        {"type": str(q.type), "content": _bounds(q.content), "cue": _bounds(q.cue),
         "how": None if q.how is None else str(q.how)}
        for q in candidates
    ]
    for row, (source, group) in zip(rows, hints or [], strict=False):
        if source is not None:
            row["source"] = _bounds(source)
        if group is not None:
            row["group"] = group
    doc._.quote_candidates = rows


def read_candidate_hints(doc: Doc) -> list[tuple[Span | None, int | None]]:
    """Per candidate (in ``read_candidates`` order): the tagged source span and the
    fragment group, each None when the span tagger gave none."""
    return [(_span(doc, row.get("source")), row.get("group"))
            for row in doc._.quote_candidates or []]


def read_quotes(doc: Doc) -> list[Quote] | None:
    """The quotes view, or None before attribution ran."""
    if QUOTES not in doc.spans:
        return None
    cues = {s.id_: s for s in doc.spans[CUES]} if CUES in doc.spans else {}
    speakers = {s.id_: s for s in doc.spans[SPEAKERS]} if SPEAKERS in doc.spans else {}
    continues = doc._.quote_continues or {}
    out = []
    for span in doc.spans[QUOTES]:
        cue, who = cues.get(span.id_), speakers.get(span.id_)
        speaker = None
        if who is not None:
            speaker = Speaker(
                mention=Span(doc, who.start, who.end) if len(who) else None,
                actor_id=who.kb_id_ or None,
                resolution=Resolution(who.label_),
            )
        out.append(Quote(
            id=span.id_,
            content=Span(doc, span.start, span.end),
            type=QuoteType(span.label_),
            cue=None if cue is None else Span(doc, cue.start, cue.end),
            speaker=speaker,
            how=None if cue is None else CueKind(cue.label_),
            continues=continues.get(span.id_),
        ))
    return out


def write_quotes(doc: Doc, quotes: list[Quote] | None) -> None:
    """Store the final quotes: content, cue, speaker and continuation links."""
    quotes = quotes or []
    doc.spans[QUOTES] = [
        Span(doc, q.content.start, q.content.end, label=str(q.type), span_id=q.id) for q in quotes
    ]
    doc.spans[CUES] = [
        Span(doc, q.cue.start, q.cue.end, label=str(q.how), span_id=q.id)
        for q in quotes if q.cue is not None
    ]
    doc.spans[SPEAKERS] = [
        _speaker_span(doc, q.id, q.speaker) for q in quotes if q.speaker is not None
    ]
    doc._.quote_continues = {q.id: q.continues for q in quotes if q.continues}


def _speaker_span(doc: Doc, quote_id: str, speaker: Speaker) -> Span:
    start, end = (0, 0) if speaker.mention is None else (speaker.mention.start,
                                                          speaker.mention.end)
    return Span(doc, start, end, label=str(speaker.resolution), kb_id=speaker.actor_id or "",
                span_id=quote_id)


# --- claims and stance -----------------------------------------------------------------------
def read_claims(doc: Doc) -> list[Claim] | None:
    """The claims view (speaker and cue from the claim's quote, stance when scored)."""
    if CLAIMS not in doc.spans:
        return None
    quotes = {q.id: q for q in read_quotes(doc) or []}
    scored = doc._.stance or {}
    out = []
    for span in doc.spans[CLAIMS]:
        quote = quotes.get(span.kb_id_)
        result = scored.get(span.id_) or {}
        stance, actor_stance = result.get("stance"), result.get("actor_stance")
        out.append(Claim(
            id=span.id_,
            span=Span(doc, span.start, span.end),
            quote_id=span.kb_id_,
            type=QuoteType(span.label_),
            speaker=quote.speaker if quote else None,
            cue=quote.cue if quote else None,
            stance=None if stance is None else tuple(Stance(**s) for s in stance),
            actor_stance=(None if actor_stance is None
                          else tuple(ActorStance(**s) for s in actor_stance)),
        ))
    return out


def write_claims(doc: Doc, claims: list[Claim] | None) -> None:
    """Store claim spans (and any stance they carry); speaker and cue live on the quote."""
    claims = claims or []
    doc.spans[CLAIMS] = [
        Span(doc, c.span.start, c.span.end, label=str(c.type), kb_id=c.quote_id, span_id=c.id)
        for c in claims
    ]
    write_stance(doc, {c.id: (c.stance, c.actor_stance) for c in claims})


def write_stance(
    doc: Doc,
    results: dict[str, tuple[list[Stance] | tuple | None, list[ActorStance] | tuple | None]],
) -> None:
    """Store each claim's stance and actor stance (None: not computed)."""
    table: dict[str, Any] = {}
    for claim_id, (stance, actor_stance) in results.items():
        if stance is None and actor_stance is None:
            continue
        table[claim_id] = {
            "stance": None if stance is None else [asdict(s) for s in stance],
            "actor_stance": None if actor_stance is None else [asdict(a) for a in actor_stance],
        }
    doc._.stance = table or None
