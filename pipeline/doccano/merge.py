"""Re-push one document in place: a three-way merge of the pushed machine version, what is on
the server now (with annotators' unconfirmed edits) and the new machine version.

The example keeps its id, so documents keep their place (and page number) in doccano. Items are
compared by *signature*: label and UTF-16 offsets (relations: type and both end signatures).

- A machine span annotators did not touch follows the new version: kept when the new version
  still has it, removed when not.
- Everything annotators did is kept: spans and relations they drew or edited stay, and machine
  items they deleted (or edited away) are not brought back, even when the new version still
  proposes them.
- The new version's other spans and relations are added.
- When the article text itself changed, every span is carried to the new text by a character
  diff; a span whose text is not found unchanged at its new place cannot be carried (an
  annotator's such span is *lost*: reported and kept in the backup, never silently).

Pure planning; ``push.py`` applies the plan and ``edits.py`` writes the backup.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

from pipeline.doccano.mapping import project_record
from pipeline.doccano.offsets import OffsetMap

Sig = tuple[str, int, int]  # span label, UTF-16 start, end
RelSig = tuple[str, Sig, Sig]  # relation type, from-span signature, to-span signature


@dataclass
class ServerDoc:
    """One example as it is on the server: text, spans and relations with label names."""

    text: str
    spans: list[dict]  # id, label (name), start_offset, end_offset, user
    relations: list[dict]  # id, from_id, to_id, type (name), user


@dataclass
class Desired:
    """The example's target state: spans (signature, machine key or None for an annotator's)
    and relations (signature, True for an annotator's)."""

    spans: list[tuple[Sig, str | None]] = field(default_factory=list)
    relations: list[tuple[RelSig, bool]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "spans": [[*sig, key] for sig, key in self.spans],
            "relations": [
                [rel[0], list(rel[1]), list(rel[2]), human] for rel, human in self.relations
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Desired:
        return cls(
            spans=[((s[0], s[1], s[2]), s[3]) for s in data["spans"]],
            relations=[((r[0], tuple(r[1]), tuple(r[2])), r[3]) for r in data["relations"]],
        )


@dataclass
class HumanWork:
    """Annotators' unconfirmed work on one example, found before a push changes it."""

    users: set[int] = field(default_factory=set)
    spans: list[dict] = field(default_factory=list)  # drawn or edited by annotators
    relations: list[dict] = field(default_factory=list)
    deleted_spans: list[str] = field(default_factory=list)  # machine keys annotators removed
    deleted_relations: list[RelSig] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)  # annotators' items the new version loses

    def __bool__(self) -> bool:
        return bool(self.spans or self.relations or self.deleted_spans or self.deleted_relations)


def _sig(span: dict) -> Sig:
    return (span["label"], span["start_offset"], span["end_offset"])


def projection_sigs(record: dict) -> tuple[dict[str, Sig], list[RelSig]]:
    """Signatures of a record's machine spans by key, and of its relations."""
    proj = project_record(record)
    by_key: dict[str, Sig] = {}
    for entity, key in zip(proj.entities, proj.keys, strict=True):
        by_key[key] = (entity["label"], entity["start_offset"], entity["end_offset"])
    sigs = [by_key[k] for k in proj.keys]
    rels = [(r["type"], sigs[r["from_id"]], sigs[r["to_id"]]) for r in proj.relations]
    return by_key, rels


class TextMap:
    """Carries UTF-16 spans of an old text to a new one through a character diff."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.same = old == new
        self.old_map, self.new_map = OffsetMap(old), OffsetMap(new)
        self.blocks = (
            []
            if self.same
            else difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
        )

    def carry(self, sig: Sig) -> Sig | None:
        """The span at its place in the new text, or None when its text did not survive."""
        if self.same:
            return sig
        label, u_start, u_end = sig
        start, end = self.old_map.span_to_cp(u_start, u_end)
        for a, b, size in self.blocks:
            if a <= start < a + size or (size and start == end == a + size):
                new_start = b + (start - a)
                new_end = new_start + (end - start)
                if self.new[new_start:new_end] != self.old[start:end]:
                    return None
                return (label, *self.new_map.span_to_u16(new_start, new_end))
        return None


def _rel_sig(rel: dict, sig_of: dict[int, Sig]) -> RelSig | None:
    if rel["from_id"] not in sig_of or rel["to_id"] not in sig_of:
        return None
    return (rel["type"], sig_of[rel["from_id"]], sig_of[rel["to_id"]])


def plan_update(
    old_record: dict,
    links: dict[str, str],
    human_ids: dict[str, list[int]],
    server: ServerDoc,
    new_record: dict,
    me: int,
) -> tuple[Desired, HumanWork]:
    """The merged target state of one example and the annotators' work found on it.

    ``links`` maps span ids to the keys of ``old_record``'s projection; ``human_ids`` lists
    items claimtrace re-created on annotators' behalf in an earlier merge; ``me`` is the user
    id of the pushing account (its items are machine output)."""
    old_keys, old_rels = projection_sigs(old_record)
    new_keys, new_rels = projection_sigs(new_record)
    carried = TextMap(server.text, new_record["text"])
    kept_human = set(human_ids.get("spans", []))
    work = HumanWork()

    machine_ids, sig_of_current = set(), {}
    for span in server.spans:
        sig = _sig(span)
        sig_of_current[span["id"]] = sig
        key = links.get(str(span["id"]))
        if key is not None and old_keys.get(key) == sig and span["id"] not in kept_human:
            machine_ids.add(span["id"])
            continue
        work.spans.append(span)
        if span["user"] != me:
            work.users.add(span["user"])
    present_keys = {links.get(str(i)) for i in machine_ids}
    for key in dict.fromkeys(links.values()):
        if key in old_keys and key not in present_keys:
            work.deleted_spans.append(key)
    removed = {carried.carry(old_keys[k]) for k in work.deleted_spans} - {None}

    # spans: the new version's, minus what annotators removed, plus annotators' own
    desired = Desired()
    wanted = Counter()
    for key, sig in new_keys.items():
        if sig not in removed:
            desired.spans.append((sig, key))
            wanted[sig] += 1
    for span in work.spans:
        sig = carried.carry(_sig(span))
        if sig is None:
            work.lost.append(dict(span, why="its text changed"))
        elif wanted[sig] == 0:
            desired.spans.append((sig, None))
            wanted[sig] += 1

    # relations, by signature
    human_rel_ids = set(human_ids.get("relations", []))
    current_rels: set[RelSig] = set()
    for rel in server.relations:
        sig = _rel_sig(rel, sig_of_current)
        if sig is None:
            continue
        current_rels.add(sig)
        if sig not in old_rels or rel["user"] != me or rel["id"] in human_rel_ids:
            work.relations.append(rel)
            if rel["user"] != me:
                work.users.add(rel["user"])
    machine_sigs = {sig_of_current[i] for i in machine_ids}
    for rel in old_rels:
        if rel not in current_rels and rel[1] in machine_sigs and rel[2] in machine_sigs:
            work.deleted_relations.append(rel)
    dropped = {_carry_rel(carried, r) for r in work.deleted_relations} - {None}
    final_sigs = {sig for sig, _ in desired.spans}
    seen: set[RelSig] = set()
    for rel in new_rels:
        if rel not in dropped and rel[1] in final_sigs and rel[2] in final_sigs and rel not in seen:
            desired.relations.append((rel, False))
            seen.add(rel)
    for rel in work.relations:
        sig = _carry_rel(carried, _rel_sig(rel, sig_of_current))
        if sig is None or sig[1] not in final_sigs or sig[2] not in final_sigs:
            work.lost.append(dict(rel, why="a span it connects was not carried over"))
        elif sig not in seen:
            desired.relations.append((sig, True))
            seen.add(sig)
    return desired, work


def _carry_rel(carried: TextMap, rel: RelSig | None) -> RelSig | None:
    if rel is None:
        return None
    source, target = carried.carry(rel[1]), carried.carry(rel[2])
    return None if source is None or target is None else (rel[0], source, target)
