"""Identities that follow the content, the uncertainty order and the stance plan (pure)."""

from __future__ import annotations

import copy

from pipeline.doccano.identity import Anchor, anchor_of, claim_anchors, match
from pipeline.doccano.stance_sync import plan_document
from pipeline.doccano.uncertainty import GATED, UNSCORED, document_margin, margin

from .records import PLAIN_TEXT, plain_record, span

HEADLINE = "“Taxes must fall,” said Ann Lee. "


def _anchors(text: str, pieces: dict[str, str]) -> dict[str, Anchor]:
    return {k: anchor_of(text, (s := span(text, v))["start"], s["end"]) for k, v in pieces.items()}


def test_anchor_round_trips_and_rejects_garbage() -> None:
    anchor = anchor_of(PLAIN_TEXT, 3, 9)
    assert Anchor.decode(anchor.encode()) == anchor
    assert Anchor.decode(None) is None and Anchor.decode("C4") is None


PAD = "The council met on Monday in the old town hall. "


def test_exact_moved_unique_and_changed() -> None:
    old_text = PAD + "A said “one.” " + PAD + "B said “two.” " + PAD + "C said “three.”"
    new_text = (
        "A new first paragraph. "
        + PAD
        + "A said “one.” "
        + PAD
        + "B said “two, really.” "
        + PAD
        + "C replied “three.”"
    )
    old = _anchors(old_text, {"o1": "“one.”", "o2": "“two.”", "o3": "“three.”"})
    new = _anchors(new_text, {"n1": "“one.”", "n2": "“two, really.”", "n3": "“three.”"})
    found = match(old, new)
    assert found.pairs == {"o1": "n1", "o3": "n3"}
    assert found.how == {"o1": "moved", "o3": "moved-unique"}  # o3's context changed
    assert found.orphaned == ["o2"] and found.new == ["n2"]  # a changed span is never moved
    assert match(old, old).how == {k: "exact" for k in old}


def test_repeated_sentence_is_matched_by_context_not_order() -> None:
    old_text = PAD + "X said “No.” " + PAD + "Y said “No.” " + PAD
    new_text = PAD + "Z said “No.” " + PAD + "X said “No.” " + PAD + "Y said “No.” " + PAD
    nos = [i for i in range(len(new_text)) if new_text.startswith("“No.”", i)]
    old = {
        k: anchor_of(old_text, i, i + 5)
        for k, i in zip(
            "xy", [i for i in range(len(old_text)) if old_text.startswith("“No.”", i)], strict=True
        )
    }
    new = {k: anchor_of(new_text, i, i + 5) for k, i in zip(["z", "x2", "y2"], nos, strict=True)}
    found = match(old, new)
    assert found.pairs == {"x": "x2", "y": "y2"} and found.new == ["z"]
    assert found.how == {"x": "moved", "y": "moved"}


def test_margin_orders_least_certain_first_and_gated_last() -> None:
    close = {"label": "favor", "scores": {"favor": 0.45, "against": 0.4, "neutral": 0.15}}
    sure = {"label": "favor", "scores": {"favor": 0.9, "against": 0.05, "neutral": 0.05}}
    gated = {"label": "neutral", "scores": {}, "gated": True}
    assert margin(close) == 0.05 and margin(sure) == 0.85
    assert margin(gated) == GATED and margin({"label": "x", "scores": {}}) == UNSCORED
    assert sorted([gated, sure, close], key=margin) == [close, sure, gated]
    record = plain_record()
    record["claims"][1]["stance"][0]["scores"] = close["scores"]
    assert document_margin(record) == 0.05


def _existing(lines: list[dict], confirmed: set[str] = frozenset(), start: int = 1) -> list[dict]:
    return [
        {
            "id": start + i,
            "is_confirmed": line["claim_id"] in confirmed,
            "meta": {k: v for k, v in line.items() if k not in ("text", "label")},
        }
        for i, line in enumerate(lines)
    ]


def _shift(record: dict, prefix: str) -> dict:
    """The record as if ``prefix`` had been added in front of its text."""
    moved = copy.deepcopy(record)
    moved["text"] = prefix + record["text"]
    for item in moved["claims"] + moved["quotes"]:
        item["start"] += len(prefix)
        item["end"] += len(prefix)
    return moved


def test_stance_plan_follows_claims_that_moved() -> None:
    record = plain_record()
    plan = plan_document("plain-1", record, [], ["the strike"])
    assert [line["claim_id"] for line in plan.create] == ["C1", "C2", "C3"]
    existing = _existing(plan.create, confirmed={"C2"})
    moved = _shift(record, HEADLINE)
    for index, claim in enumerate(moved["claims"], 2):  # a new claim C1 comes first
        claim["id"] = f"C{index}"
    again = plan_document("plain-1", moved, existing, ["the strike"])
    assert again.create == [] and again.stale == [] and again.orphan == []
    assert [meta["claim_id"] for _, meta in again.repoint] == ["C3"]  # confirmed: meta only
    assert sorted(line["claim_id"] for _, line in again.update) == ["C2", "C4"]
    assert plan_document("plain-1", record, existing, ["the strike"]).unchanged == 2


def test_stance_plan_orphans_judged_labels_and_drops_machine_ones() -> None:
    record = plain_record()
    existing = _existing(plan_document("plain-1", record, [], ["the strike"]).create, {"C2"})
    changed = copy.deepcopy(record)
    changed["claims"] = [changed["claims"][0]]
    plan = plan_document("plain-1", changed, existing, ["the strike"])
    assert [e["meta"]["claim_id"] for e in plan.orphan] == ["C2"]
    assert [e["meta"]["claim_id"] for e in plan.stale] == ["C3"]


def test_new_target_on_a_confirmed_document_is_added_not_skipped() -> None:
    stored = plain_record()
    existing = _existing(plan_document("plain-1", stored, [], ["the strike"]).create, {"C1"})
    newer = copy.deepcopy(stored)
    for claim in newer["claims"]:
        claim["stance"].append(
            {"target": "taxes", "label": "against", "score": 0.6, "scores": {"against": 0.6}}
        )
    plan = plan_document("plain-1", newer, existing, ["the strike", "taxes"], stored=stored)
    assert [(line["claim_id"], line["target"]) for line in plan.create] == [
        ("C1", "taxes"),
        ("C2", "taxes"),
        ("C3", "taxes"),
    ]
    assert plan.confirmed == 3 and not plan.update and not plan.stale
    assert [i["target"] for i in plan.stored_record["claims"][0]["stance"]] == [
        "the strike",
        "taxes",
    ]
    assert claim_anchors(plan.stored_record) == claim_anchors(stored)


def test_examples_pushed_before_anchors_are_placed_by_their_claim_id() -> None:
    record = plain_record()
    legacy = [
        {
            "id": i,
            "is_confirmed": i == 2,
            "meta": {"doc_id": "plain-1", "claim_id": f"C{i}", "target": "the strike"},
        }
        for i in (1, 2, 3)
    ]
    moved = _shift(record, HEADLINE)
    for index, claim in enumerate(moved["claims"], 2):
        claim["id"] = f"C{index}"
    plan = plan_document("plain-1", moved, legacy, ["the strike"], previous=record)
    assert not plan.create and not plan.orphan and not plan.stale
    [(example, meta)] = plan.repoint  # the confirmed one gets its anchor, nothing else changes
    assert example["id"] == 2 and meta["claim_id"] == "C3" and Anchor.decode(meta["anchor"])
    assert sorted(line["claim_id"] for _, line in plan.update) == ["C2", "C4"]
    without = plan_document("plain-1", moved, legacy, ["the strike"])
    assert [e["id"] for e in without.orphan] == [2] and len(without.create) == 3
