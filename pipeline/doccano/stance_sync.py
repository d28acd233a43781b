"""Plan the stance examples of one document for a push (pure; push.py applies the plan).

A stance example belongs to a claim by the claim's content anchor (identity.py), not by its id:
when the pipeline's output changes earlier in the article, ``C4`` may become ``C5``, and the
human label follows the sentence it was given to. Per target:

- an example whose claim is found again is kept (confirmed: never touched, only its metadata
  re-pointed at the claim's new id and place; unconfirmed: text and machine label refreshed,
  unless an annotator set the label);
- an example whose claim is gone is *orphaned* when a person judged it (confirmed, or the label
  changed): it stays, marked ``orphaned`` in its metadata, and pulls report it; a machine-only
  one is removed;
- a claim-target pair without an example gets one, if the target applies to the article
  (mapping.applicable_targets).

A confirmed document's claims are the ones annotators confirmed (the stored record): new pairs
(new targets) are created for its claims that the new output still has, and never change
existing examples.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pipeline.doccano.identity import Anchor, anchor_of, claim_anchors, match
from pipeline.doccano.mapping import stance_line

IDENTITY_META = ("claim_id", "anchor", "orphaned")


@dataclass
class StancePlan:
    """What a push does to one document's stance examples."""

    create: list[dict] = field(default_factory=list)  # import lines
    update: list[tuple[dict, dict]] = field(default_factory=list)  # (example, line)
    repoint: list[tuple[dict, dict]] = field(default_factory=list)  # (example, new meta)
    orphan: list[dict] = field(default_factory=list)  # judged examples whose claim is gone
    stale: list[dict] = field(default_factory=list)  # unconfirmed ones whose claim is gone
    unchanged: int = 0
    confirmed: int = 0
    not_applicable: int = 0
    stored_record: dict | None = None  # a confirmed document's record with new-target items


def _candidates(doc_id: str, record: dict, stored: dict | None) -> list[tuple[dict, str]]:
    """(line, target) for every claim and target of the new output, anchored in the text the
    annotators see: the new record's, or for a confirmed document the stored record's (only
    claims found in both)."""
    if stored is None:
        return [
            (stance_line(doc_id, record["text"], claim, item), item["target"])
            for claim in record["claims"]
            for item in claim.get("stance") or []
        ]
    pairs = match(claim_anchors(record), claim_anchors(stored)).pairs
    new_claims = {c["id"]: c for c in record["claims"]}
    out = []
    for stored_claim in stored["claims"]:
        new_id = next((n for n, s in pairs.items() if s == stored_claim["id"]), None)
        for item in (new_claims[new_id].get("stance") or []) if new_id else []:
            out.append((stance_line(doc_id, stored["text"], stored_claim, item), item["target"]))
    return out


def _identity_meta(line: dict) -> dict:
    return {"claim_id": line["claim_id"], "anchor": line["anchor"], "orphaned": False}


def example_anchor(meta: dict, previous: dict | None) -> Anchor | None:
    """An example's anchor; for one pushed before anchors existed, its claim's anchor in the
    record it was pushed with (found by the claim id it carries)."""
    anchor = Anchor.decode(meta.get("anchor"))
    if anchor is not None or previous is None:
        return anchor
    claim = next((c for c in previous["claims"] if c["id"] == meta.get("claim_id")), None)
    return anchor_of(previous["text"], claim["start"], claim["end"]) if claim else None


def plan_document(
    doc_id: str,
    record: dict,
    existing: list[dict],
    targets: list[str],
    stored: dict | None = None,
    previous: dict | None = None,
) -> StancePlan:
    """Plan one document. ``existing``: its stance examples (``id``, ``meta``,
    ``is_confirmed``); ``targets``: the targets that apply; ``stored``: the stored record of a
    confirmed document (None for documents annotators may still change); ``previous``: the
    record pushed before this push (to place examples that carry no anchor yet)."""
    plan = StancePlan()
    candidates = _candidates(doc_id, record, stored)
    if stored is not None:
        _plan_confirmed(plan, stored, record, existing, candidates, targets)
        return plan
    by_target: dict[str, list[dict]] = {}
    for example in existing:
        by_target.setdefault(example["meta"].get("target"), []).append(example)
    lines_by_target: dict[str, list[dict]] = {}
    for line, target in candidates:
        lines_by_target.setdefault(target, []).append(line)
    for target in dict.fromkeys([*by_target, *lines_by_target]):
        examples = {str(e["id"]): e for e in by_target.get(target, [])}
        lines = {str(i): line for i, line in enumerate(lines_by_target.get(target, []))}
        anchors = {k: example_anchor(e["meta"], previous) for k, e in examples.items()}
        old = {k: a for k, a in anchors.items() if a is not None}
        found = match(old, {k: Anchor.decode(v["anchor"]) for k, v in lines.items()})
        for ex_key, line_key in found.pairs.items():
            _matched(plan, examples[ex_key], lines[line_key])
        for ex_key in [*found.orphaned, *(k for k in examples if k not in old)]:
            example = examples[ex_key]
            (plan.orphan if example["is_confirmed"] else plan.stale).append(example)
        for line_key in found.new:
            if target in targets:
                plan.create.append(lines[line_key])
            else:
                plan.not_applicable += 1
    return plan


def _plan_confirmed(
    plan: StancePlan,
    stored: dict,
    record: dict,
    existing: list[dict],
    candidates: list[tuple[dict, str]],
    targets: list[str],
) -> None:
    """A confirmed document: its examples stay as they are; pairs it lacks are added."""
    plan.confirmed = len(existing)
    have = set()
    for example in existing:
        anchor = example_anchor(example["meta"], stored)
        have.add((anchor.encode() if anchor else None, example["meta"].get("target")))
    additions: dict[str, list[dict]] = {}
    for line, target in candidates:
        if (line["anchor"], target) in have:
            continue
        if target not in targets:
            plan.not_applicable += 1
            continue
        plan.create.append(line)
        additions.setdefault(line["claim_id"], []).append(line)
    if additions:
        plan.stored_record = _with_items(stored, record, additions)


def _matched(plan: StancePlan, example: dict, line: dict) -> None:
    meta = example["meta"]
    same_identity = all(
        meta.get(k, False if k == "orphaned" else None) == v
        for k, v in _identity_meta(line).items()
    )
    if example["is_confirmed"]:
        if same_identity:
            plan.confirmed += 1
        else:
            plan.repoint.append((example, dict(meta, **_identity_meta(line))))
    elif same_identity and meta.get("claimtrace_hash") == line["claimtrace_hash"]:
        plan.unchanged += 1
    else:
        plan.update.append((example, line))


def _with_items(stored: dict, record: dict, additions: dict[str, list[dict]]) -> dict:
    """The stored record with the new output's stance items for the new pairs (so a pull
    knows the machine's label and scores for them)."""
    out = copy.deepcopy(stored)
    pairs = match(claim_anchors(stored), claim_anchors(record)).pairs
    new_claims = {c["id"]: c for c in record["claims"]}
    for claim in out["claims"]:
        wanted = {line["target"] for line in additions.get(claim["id"], [])}
        source = new_claims.get(pairs.get(claim["id"], ""), {})
        items = [i for i in source.get("stance") or [] if i["target"] in wanted]
        known = {i["target"] for i in claim.get("stance") or []}
        extra = [i for i in items if i["target"] not in known]
        if extra:
            claim["stance"] = [*(claim.get("stance") or []), *extra]
    return out
