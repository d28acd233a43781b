"""Pure mapping between claimtrace records and doccano annotations (no I/O).

Push: a record becomes one span/relation example (ACTOR, QUOTE, CUE, CLAIM spans; SPEAKER_OF,
CUE_OF, CLAIM_OF relations, offsets in UTF-16 units) plus one stance example per claim and
target. Every machine span gets a stable *key* (``Q:Q1``, ``C:C2``, ``M:start:end`` for actor
mentions, ``U:start:end`` for cues) so a pull can tell kept, moved, relabelled, deleted and added
items apart. Pull: start from the machine record stored with the example and apply what the
annotators changed; untouched items come back byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.doccano.identity import anchor_of
from pipeline.doccano.offsets import OffsetMap
from pipeline.doccano.uncertainty import margin

SPAN_LABELS = {
    "ACTOR": ("#1f77b4", "a"),
    "QUOTE": ("#2ca02c", "q"),
    "CUE": ("#ff7f0e", "c"),
    "CLAIM": ("#9467bd", "l"),
}
RELATION_TYPES = {"SPEAKER_OF": "#1f77b4", "CUE_OF": "#ff7f0e", "CLAIM_OF": "#9467bd"}
STANCE_LABELS = {
    "favor": ("#2ca02c", "f"),
    "against": ("#d62728", "a"),
    "neutral": ("#7f7f7f", "n"),
}
KEY_LABEL = {"M": "ACTOR", "Q": "QUOTE", "U": "CUE", "C": "CLAIM"}
PRONOUNS = {"he", "she", "they", "him", "her", "them", "i", "we", "it", "his", "their", "you"}
QUOTE_MARKS = "\"'“”‘’«»„‚‹›"
CLAIM_PREFIX = "CLAIM: "


# ------------------------------------------------------------------ helpers


def record_hash(obj: Any) -> str:
    """A stable hash of a JSON value (detects pipeline changes between pushes)."""
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def is_article(record: dict) -> bool:
    """True for article records, False for error records."""
    return "error" not in record and "text" in record


def _offsets(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


def _same_offsets(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a["start"], a["end"]) == (b["start"], b["end"])


def mention_kind(text: str) -> str:
    """Guess a mention's kind: pronoun, nominal (lower-case start) or name."""
    if text.lower() in PRONOUNS:
        return "pronoun"
    return "nominal" if text[:1].islower() else "name"


def quote_type(text: str) -> str:
    """Guess an annotator-added quote's type from its quote marks."""
    stripped = text.strip().rstrip(".,;:")
    if stripped[:1] in QUOTE_MARKS and stripped[-1:] in QUOTE_MARKS:
        return "direct"
    return "mixed" if any(ch in text for ch in QUOTE_MARKS) else "indirect"


def _next_id(prefix: str, items: list[dict]) -> str:
    numbers = [int(m.group(1)) for it in items if (m := re.fullmatch(rf"{prefix}(\d+)", it["id"]))]
    return f"{prefix}{max(numbers, default=0) + 1}"


# ------------------------------------------------------------------ push side


@dataclass
class Projection:
    """A record as doccano import data: entities and relations (UTF-16) and span keys."""

    entities: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, start: int, end: int, omap: OffsetMap) -> int:
        if key in self._index:
            return self._index[key]
        u_start, u_end = omap.span_to_u16(start, end)
        entity_id = len(self.entities)
        self.entities.append(
            {
                "id": entity_id,
                "start_offset": u_start,
                "end_offset": u_end,
                "label": KEY_LABEL[key[0]],
            }
        )
        self.keys.append(key)
        self._index[key] = entity_id
        return entity_id

    def relate(self, source: int, target: int, kind: str) -> None:
        relation = {"from_id": source, "to_id": target, "type": kind}
        if relation not in self.relations:
            self.relations.append(relation)


def project_record(record: dict) -> Projection:
    """Spans and relations that show a record's actors, quotes, cues and claims in doccano."""
    omap = OffsetMap(record["text"])
    proj = Projection()
    for actor in record["actors"]:
        for mention in actor["mentions"]:
            proj.add(
                f"M:{mention['start']}:{mention['end']}", mention["start"], mention["end"], omap
            )
    for quote in record["quotes"]:
        quote_id = proj.add(f"Q:{quote['id']}", quote["start"], quote["end"], omap)
        cue = quote.get("cue")
        if cue:
            cue_id = proj.add(f"U:{cue['start']}:{cue['end']}", cue["start"], cue["end"], omap)
            proj.relate(cue_id, quote_id, "CUE_OF")
        mention = (quote.get("speaker") or {}).get("mention")
        if mention:
            actor_id = proj.add(
                f"M:{mention['start']}:{mention['end']}", mention["start"], mention["end"], omap
            )
            proj.relate(actor_id, quote_id, "SPEAKER_OF")
    for claim in record["claims"]:
        claim_id = proj.add(f"C:{claim['id']}", claim["start"], claim["end"], omap)
        quote_key = f"Q:{claim['quote_id']}"
        if quote_key in proj._index:
            proj.relate(claim_id, proj._index[quote_key], "CLAIM_OF")
    return proj


def import_line(record: dict) -> dict:
    """One RelationExtraction JSONL line: text, entities, relations and the two meta keys
    annotators see (``doc_id``, ``claimtrace_hash``)."""
    proj = project_record(record)
    return {
        "text": record["text"],
        "entities": proj.entities,
        "relations": proj.relations,
        "doc_id": record["id"],
        "claimtrace_hash": record_hash(record),
    }


def store_line(
    record: dict,
    example_id: int,
    spans: dict[str, str],
    human: dict[str, list[int]] | None = None,
    pusher: int | None = None,
    span_hash: str | None = None,
) -> dict:
    """Import line for one document in the ``.store`` project: the machine record as pushed,
    the doccano example it was pushed to, that example's ``span id -> key`` links, the ids of
    items claimtrace re-created on annotators' behalf (merge.py) and the pushing account
    (nested under ``store`` so doccano's importer leaves the values untouched).
    ``span_hash`` is the hash the example carries when it differs from the record's own (a
    confirmed document whose stored record gained stance items for a new target)."""
    store = {
        "example_id": example_id,
        "claimtrace_hash": span_hash or record_hash(record),
        "spans": spans,
        "human": human or {"spans": [], "relations": []},
        "pusher": pusher,
        "record": record,
    }
    return {"text": record["id"], "label": [], "doc_id": record["id"], "store": store}


def link_spans(record: dict, spans: list[dict], label_names: dict[int, str]) -> dict[str, str]:
    """Match imported doccano spans (ids assigned by the server) to their keys by label and
    offsets; returns ``{span_id: key}`` (kept in the ``.store`` project)."""
    proj = project_record(record)
    waiting: dict[tuple, list[str]] = {}
    for entity, key in zip(proj.entities, proj.keys, strict=True):
        sig = (entity["label"], entity["start_offset"], entity["end_offset"])
        waiting.setdefault(sig, []).append(key)
    linked = {}
    for span in sorted(spans, key=lambda s: s["id"]):
        sig = (label_names.get(span["label"]), span["start_offset"], span["end_offset"])
        if waiting.get(sig):
            linked[str(span["id"])] = waiting[sig].pop(0)
    return linked


def stance_text(claim: dict, target: str) -> str:
    """What an annotator reads for one claim-target pair."""
    speaker = (
        (claim.get("speaker") or {}).get("name")
        or ((claim.get("speaker") or {}).get("mention") or {}).get("text")
        or "(no speaker found)"
    )
    return (
        f"{CLAIM_PREFIX}{claim['text']}\nSPEAKER: {speaker}\nTARGET: {target}\n\n"
        "Does the claim argue FOR the target (favor), AGAINST it (against), or neither "
        "(neutral)?"
    )


def claim_of_stance_text(text: str) -> str:
    """The claim an annotator was shown, read back from a stance example's text."""
    body = text[len(CLAIM_PREFIX) :] if text.startswith(CLAIM_PREFIX) else text
    return body.split("\nSPEAKER: ", 1)[0]


def applicable_targets(record: dict, all_targets: bool = False) -> list[str]:
    """The stance targets annotators judge for one article.

    An article's own ``meta.targets`` apply to it, and only they. Without them the run-wide
    targets (config and ``--target``) apply where the article is about them: at least one claim
    passed the relevance gate for the target (or no gate ran). ``all_targets`` keeps every
    target the record has."""
    present = list(
        dict.fromkeys(
            item["target"] for claim in record["claims"] for item in claim.get("stance") or []
        )
    )
    if all_targets:
        return present
    own = (record.get("meta") or {}).get("targets")
    if isinstance(own, list) and any(isinstance(t, str) and t.strip() for t in own):
        return [t for t in present if t in own]
    relevant = {
        item["target"]
        for claim in record["claims"]
        for item in claim.get("stance") or []
        if not item.get("gated")
    }
    return [t for t in present if t in relevant]


def stance_key(meta: dict) -> str | None:
    """Identity of one stance example in its project: document, target and claim anchor
    (older examples carry it as ``claimtrace_key``)."""
    if meta.get("anchor") is None:
        return meta.get("claimtrace_key")
    return json.dumps([meta.get("doc_id"), meta.get("target"), meta["anchor"]], ensure_ascii=False)


def stance_line(doc_id: str, text: str, claim: dict, item: dict) -> dict:
    """One DocumentClassification JSONL line for a claim-target pair; its metadata carries the
    claim's content anchor (identity.py), the machine label and the model's margin."""
    anchor = anchor_of(text, claim["start"], claim["end"])
    return {
        "text": stance_text(claim, item["target"]),
        "label": [item["label"]],
        "doc_id": doc_id,
        "claim_id": claim["id"],
        "target": item["target"],
        "claimtrace_hash": record_hash([stance_text(claim, item["target"]), item]),
        "anchor": anchor.encode(),
        "machine_label": item["label"],
        "margin": margin(item),
    }


def stance_lines(record: dict, targets: list[str] | None = None) -> list[dict]:
    """Lines for every claim and applicable target (``targets``; default: all the record's)."""
    wanted = set(applicable_targets(record, all_targets=True) if targets is None else targets)
    return [
        stance_line(record["id"], record["text"], claim, item)
        for claim in record["claims"]
        for item in claim.get("stance") or []
        if item["target"] in wanted
    ]


# ------------------------------------------------------------------ pull side


@dataclass(frozen=True)
class DSpan:
    """A doccano span in code points, with its label name."""

    id: int
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class DRelation:
    """A doccano relation between two span ids, with its type name."""

    source: int
    target: int
    type: str


@dataclass(frozen=True)
class StanceState:
    """An annotator-visible stance example: its current label (None if cleared)."""

    label: str | None
    confirmed: bool


def spans_from_api(text: str, spans: list[dict], label_names: dict[int, str]) -> list[DSpan]:
    """doccano spans (UTF-16) as code-point ``DSpan``s."""
    omap = OffsetMap(text)
    result = []
    for span in spans:
        start, end = omap.span_to_cp(span["start_offset"], span["end_offset"])
        result.append(DSpan(span["id"], label_names.get(span["label"], "?"), start, end))
    return result


def relations_from_api(relations: list[dict], type_names: dict[int, str]) -> list[DRelation]:
    return [DRelation(r["from_id"], r["to_id"], type_names.get(r["type"], "?")) for r in relations]


class _Review:
    """Computes per-item provenance for one example."""

    def __init__(self, confirmed: bool) -> None:
        self.confirmed = confirmed

    def __call__(self, changed: bool = False, added: bool = False) -> str:
        if added:
            return "added"
        if changed:
            return "changed"
        return "kept" if self.confirmed else "machine"


class _Links:
    """Relations indexed by the QUOTE span they attach to (direction-tolerant)."""

    def __init__(self, spans: dict[int, DSpan], relations: list[DRelation]) -> None:
        self.by_quote: dict[tuple[int, str], list[DSpan]] = {}
        self.quote_of_claim: dict[int, int] = {}
        wanted = {"SPEAKER_OF": "ACTOR", "CUE_OF": "CUE", "CLAIM_OF": "CLAIM"}
        for rel in relations:
            ends = [spans.get(rel.source), spans.get(rel.target)]
            if None in ends or rel.type not in wanted:
                continue
            quote = next((s for s in ends if s.label == "QUOTE"), None)
            other = next((s for s in ends if s.label == wanted[rel.type]), None)
            if quote is None or other is None:
                continue
            self.by_quote.setdefault((quote.id, rel.type), []).append(other)
            if rel.type == "CLAIM_OF":
                self.quote_of_claim.setdefault(other.id, quote.id)

    def first(self, quote_span: int, kind: str) -> DSpan | None:
        found = sorted(self.by_quote.get((quote_span, kind), []), key=lambda s: (s.start, s.end))
        return found[0] if found else None


def reconstruct(
    machine: dict,
    spans: list[DSpan],
    relations: list[DRelation],
    span_keys: dict[str, str],
    confirmed: bool,
    stance: dict[tuple[str, str], StanceState] | None = None,
    example_id: int | None = None,
) -> dict:
    """The record as corrected in doccano, with ``review`` provenance on every item.

    ``machine`` is the pushed record; ``span_keys`` maps doccano span ids to machine keys.
    Items keep their machine ids and order; added ones get the next free ids at the end."""
    text = machine["text"]
    review = _Review(confirmed)
    out = copy.deepcopy(machine)
    by_id = {s.id: s for s in spans}
    current: dict[str, DSpan] = {}
    for span in spans:
        key = span_keys.get(str(span.id))
        if key and KEY_LABEL[key[0]] == span.label and key not in current:
            current[key] = span
    _pair_redrawn(machine, span_keys, current, spans)
    keyed_ids = {s.id for s in current.values()}
    added = [s for s in spans if s.id not in keyed_ids]
    links = _Links(by_id, relations)
    deleted: dict[str, list] = {
        "mentions": [],
        "quotes": [],
        "claims": [],
        "stance": [],
        "actors": [],
    }

    actors = _actors(out, text, current, added, review, deleted)
    quotes, quote_of_span, speaker_changed = _quotes(
        out, text, current, added, links, actors, review, deleted
    )
    claims = _claims(
        out,
        text,
        current,
        added,
        links,
        quotes,
        quote_of_span,
        speaker_changed,
        review,
        deleted,
        stance or {},
    )
    out["actors"], out["quotes"], out["claims"] = actors, quotes, claims
    out["review"] = {"example_id": example_id, "confirmed": confirmed, "deleted": deleted}
    return out


def _machine_offsets(machine: dict, key: str) -> tuple[int, int] | None:
    kind, _, rest = key.partition(":")
    if kind in ("M", "U"):
        start, end = rest.split(":")
        return int(start), int(end)
    items = machine["quotes"] if kind == "Q" else machine["claims"]
    item = next((i for i in items if i["id"] == rest), None)
    return (item["start"], item["end"]) if item else None


def _pair_redrawn(
    machine: dict, span_keys: dict[str, str], current: dict[str, DSpan], spans: list[DSpan]
) -> None:
    """The UI cannot drag span boundaries: annotators delete a span and draw it again. An
    unkeyed span that overlaps a deleted machine span of the same label takes its place
    (reported as changed, not deleted + added); the largest overlap wins, one-to-one."""
    missing = [k for k in dict.fromkeys(span_keys.values()) if k not in current]
    used = {s.id for s in current.values()}
    candidates = []
    for key in missing:
        offsets = _machine_offsets(machine, key)
        if offsets is None:
            continue
        for span in spans:
            overlap = min(offsets[1], span.end) - max(offsets[0], span.start)
            if span.id not in used and span.label == KEY_LABEL[key[0]] and overlap > 0:
                candidates.append((-overlap, span.id, key, span))
    for _, span_id, key, span in sorted(candidates, key=lambda c: c[:3]):
        if key not in current and span_id not in used:
            current[key] = span
            used.add(span_id)


def _actors(
    out: dict,
    text: str,
    current: dict[str, DSpan],
    added: list[DSpan],
    review: _Review,
    deleted: dict,
) -> list[dict]:
    actors = []
    for actor in out["actors"]:
        mentions = []
        for mention in actor["mentions"]:
            span = current.get(f"M:{mention['start']}:{mention['end']}")
            if span is None:
                deleted["mentions"].append(dict(mention, actor_id=actor["id"]))
                continue
            moved = (span.start, span.end) != (mention["start"], mention["end"])
            mention.update(_offsets(text, span.start, span.end))
            mention["review"] = review(changed=moved)
            mentions.append(mention)
        actor["mentions"] = mentions
        if mentions:
            actors.append(actor)
        else:
            deleted["actors"].append({"id": actor["id"], "name": actor["name"]})
    for span in sorted((s for s in added if s.label == "ACTOR"), key=lambda s: s.start):
        mention = dict(
            _offsets(text, span.start, span.end), kind=mention_kind(text[span.start : span.end])
        )
        mention["review"] = "added"
        if mention["kind"] != "name":
            continue  # pronouns/nominals are resolved where they are used as speakers
        owner = next(
            (
                a
                for a in actors
                if mention["text"] == a["name"]
                or any(m["text"] == mention["text"] for m in a["mentions"])
            ),
            None,
        )
        if owner is None:
            owner = {
                "id": _next_id("A", out["actors"] + actors),
                "name": mention["text"],
                "type": "PERSON",
                "mentions": [],
                "roles": [],
                "affiliations": [],
                "review": "added",
            }
            actors.append(owner)
        owner["mentions"].append(mention)
    return actors


def _actor_at(actors: list[dict], start: int, end: int) -> dict | None:
    return next(
        (a for a in actors if any((m["start"], m["end"]) == (start, end) for m in a["mentions"])),
        None,
    )


def _nearest_person_before(actors: list[dict], position: int) -> dict | None:
    best, best_pos = None, -1
    for actor in actors:
        for mention in actor["mentions"]:
            if (
                actor["type"] == "PERSON"
                and mention.get("kind", "name") == "name"
                and best_pos < mention["start"] < position
            ):
                best, best_pos = actor, mention["start"]
    return best


def _speaker(text: str, span: DSpan, machine_speaker: dict | None, actors: list[dict]) -> dict:
    """A speaker object for an annotator-chosen ACTOR span."""
    mention = _offsets(text, span.start, span.end)
    kind = mention_kind(mention["text"])
    actor = _actor_at(actors, span.start, span.end)
    if actor is None and kind != "name":
        machine_actor = (machine_speaker or {}).get("actor_id")
        actor = next(
            (a for a in actors if a["id"] == machine_actor), None
        ) or _nearest_person_before(actors, span.start)
    resolution = {"pronoun": "pronoun", "nominal": "nominal"}.get(kind, "cue_subject")
    if actor is None:
        resolution = "unresolved"
    return {
        "mention": mention,
        "actor_id": actor["id"] if actor else None,
        "name": actor["name"] if actor else None,
        "resolution": resolution,
        "review": "changed",
    }


def _quote_parts(
    text: str, span: DSpan, base: dict | None, links: _Links, actors: list[dict]
) -> tuple[dict | None, dict | None, bool, bool]:
    """Cue and speaker of a QUOTE span, and whether each differs from ``base``."""
    cue_span = links.first(span.id, "CUE_OF")
    cue = _offsets(text, cue_span.start, cue_span.end) if cue_span else None
    machine_cue = (base or {}).get("cue")
    if cue is not None and _same_offsets(cue, machine_cue):
        cue = machine_cue
    cue_changed = not _same_offsets(cue, machine_cue)
    machine_speaker = (base or {}).get("speaker")
    machine_mention = (machine_speaker or {}).get("mention")
    speaker_span = links.first(span.id, "SPEAKER_OF")
    if speaker_span is None:
        # a speaker without a mention has nothing to show in doccano: keep it
        speaker = machine_speaker if machine_speaker and machine_mention is None else None
    elif machine_mention and (speaker_span.start, speaker_span.end) == (
        machine_mention["start"],
        machine_mention["end"],
    ):
        speaker = machine_speaker
    else:
        speaker = _speaker(text, speaker_span, machine_speaker, actors)
    return cue, speaker, cue_changed, speaker is not machine_speaker


def _quotes(
    out: dict,
    text: str,
    current: dict[str, DSpan],
    added: list[DSpan],
    links: _Links,
    actors: list[dict],
    review: _Review,
    deleted: dict,
) -> tuple[list[dict], dict[int, dict], dict[str, bool]]:
    quotes: list[dict] = []
    quote_of_span: dict[int, dict] = {}
    speaker_changed: dict[str, bool] = {}
    for quote in out["quotes"]:
        span = current.get(f"Q:{quote['id']}")
        if span is None:
            deleted["quotes"].append(quote)
            continue
        moved = (span.start, span.end) != (quote["start"], quote["end"])
        cue, speaker, cue_changed, spk_changed = _quote_parts(text, span, quote, links, actors)
        quote.update(_offsets(text, span.start, span.end))
        quote["cue"], quote["speaker"] = cue, speaker
        quote["review"] = review(changed=moved or cue_changed or spk_changed)
        speaker_changed[quote["id"]] = spk_changed or cue_changed
        quotes.append(quote)
        quote_of_span[span.id] = quote
    for span in sorted((s for s in added if s.label == "QUOTE"), key=lambda s: s.start):
        cue, speaker, _, _ = _quote_parts(text, span, None, links, actors)
        content = _offsets(text, span.start, span.end)
        quote = {
            "id": _next_id("Q", out["quotes"] + quotes),
            "type": quote_type(content["text"]),
            **content,
            "cue": cue,
            "speaker": speaker,
            "continues": None,
            "review": "added",
        }
        quotes.append(quote)
        quote_of_span[span.id] = quote
        speaker_changed[quote["id"]] = True
    kept = {q["id"] for q in quotes}
    for quote in quotes:  # a continuation of a deleted quote no longer continues anything
        if quote.get("continues") and quote["continues"] not in kept:
            quote["continues"] = None
            quote["review"] = review(changed=True)
    return quotes, quote_of_span, speaker_changed


def _containing_quote(span: DSpan, quote_of_span: dict[int, dict]) -> dict | None:
    inside = [
        q for q in quote_of_span.values() if q["start"] <= span.start and span.end <= q["end"]
    ]
    return min(inside, key=lambda q: q["end"] - q["start"]) if inside else None


def _stance_items(
    claim: dict, doc_stance: dict[tuple[str, str], StanceState], review: _Review, deleted: dict
) -> list[dict] | None:
    """The claim's stance list with the annotators' labels applied. A corrected item keeps the
    machine's ``relevance`` and ``gated`` (they describe the machine's pass) next to
    ``machine_label``/``machine_score``. A pair whose target the stored record lacks (a push
    interrupted before it stored the new target's machine item) comes back with the
    annotator's label only."""
    items = []
    for item in claim.get("stance") or []:
        state = doc_stance.get((claim["id"], item["target"]))
        if state is None:
            items.append(dict(item, review="machine"))
        elif state.label is None:
            deleted["stance"].append(dict(item, claim_id=claim["id"]))
        elif state.label == item["label"]:
            items.append(dict(item, review="kept" if state.confirmed else "machine"))
        else:
            corrected = {"target": item["target"], "label": state.label, "score": 1.0, "scores": {}}
            for key in ("relevance", "gated"):
                if key in item:
                    corrected[key] = item[key]
            corrected.update(
                machine_label=item["label"], machine_score=item["score"], review="changed"
            )
            items.append(corrected)
    known = {item["target"] for item in claim.get("stance") or []}
    for (claim_id, target), state in doc_stance.items():
        if claim_id != claim["id"] or target in known or state.label is None:
            continue
        review_of = "kept" if state.confirmed else "machine"
        items.append({"target": target, "label": state.label, "score": 1.0, "review": review_of})
    if claim.get("stance") is None and not items:
        return None
    return items


def _claims(
    out: dict,
    text: str,
    current: dict[str, DSpan],
    added: list[DSpan],
    links: _Links,
    quotes: list[dict],
    quote_of_span: dict[int, dict],
    speaker_changed: dict[str, bool],
    review: _Review,
    deleted: dict,
    stance: dict[tuple[str, str], StanceState],
) -> list[dict]:
    claims: list[dict] = []
    quote_ids = {q["id"]: q for q in quotes}

    def linked_quote(span: DSpan, fallback: str | None) -> dict | None:
        quote_span = links.quote_of_claim.get(span.id)
        if quote_span in quote_of_span:
            return quote_of_span[quote_span]
        return _containing_quote(span, quote_of_span) or quote_ids.get(fallback or "")

    for claim in out["claims"]:
        span = current.get(f"C:{claim['id']}")
        quote = linked_quote(span, claim["quote_id"]) if span else None
        if span is None or quote is None:
            deleted["claims"].append(claim)
            continue
        moved = (span.start, span.end) != (claim["start"], claim["end"])
        relinked = quote["id"] != claim["quote_id"]
        claim.update(_offsets(text, span.start, span.end))
        if relinked or speaker_changed.get(quote["id"]):
            claim["quote_id"], claim["type"] = quote["id"], quote["type"]
            claim["speaker"], claim["cue"] = quote["speaker"], quote["cue"]
        claim["stance"] = _stance_items(claim, stance, review, deleted)
        claim["review"] = review(
            changed=moved or relinked or bool(speaker_changed.get(quote["id"]))
        )
        claims.append(claim)
    for span in sorted((s for s in added if s.label == "CLAIM"), key=lambda s: s.start):
        quote = linked_quote(span, None)
        if quote is None:
            out["warnings"].append(
                {
                    "code": "W301",
                    "message": "An annotator-added CLAIM at "
                    f"{span.start}-{span.end} has no QUOTE; it was left out.",
                }
            )
            continue
        claims.append(
            {
                "id": _next_id("C", out["claims"] + claims),
                "quote_id": quote["id"],
                "type": quote["type"],
                **_offsets(text, span.start, span.end),
                "speaker": quote["speaker"],
                "cue": quote["cue"],
                "stance": None,
                "actor_stance": None,
                "review": "added",
            }
        )
    return claims


def strip_review(record: dict) -> dict:
    """A pulled record without the provenance fields (for comparisons with machine output)."""
    clean = copy.deepcopy(record)
    clean.pop("review", None)
    for actor in clean.get("actors", []):
        actor.pop("review", None)
        for mention in actor["mentions"]:
            mention.pop("review", None)
    for item in clean.get("quotes", []) + clean.get("claims", []):
        item.pop("review", None)
        if item.get("speaker"):
            item["speaker"].pop("review", None)
        for stance in item.get("stance") or []:
            stance.pop("review", None)
    return clean
