"""Stance examples on a real server: least certain first, only targets that apply, new targets
on confirmed documents."""

from __future__ import annotations

import copy

import pytest

from pipeline.doccano.uncertainty import margin
from pipeline.errors import ClaimtraceError

from .helpers import confirm, pull, push, stance_examples
from .records import emoji_record, plain_record

pytestmark = pytest.mark.doccano


def _scored(record: dict, scores: list[dict]) -> dict:
    record = copy.deepcopy(record)
    for claim, probs in zip(record["claims"], scores, strict=True):
        item = claim["stance"][0]
        if probs is None:
            item.update(label="neutral", score=1.0, scores={}, relevance=0.05, gated=True)
        else:
            label = max(probs, key=probs.get)
            item.update(label=label, score=probs[label], scores=probs, relevance=0.4, gated=False)
    return record


def test_least_certain_stance_examples_come_first(api, project_name, tmp_path) -> None:
    first = _scored(
        plain_record("doc-a"),
        [
            {"favor": 0.9, "against": 0.05, "neutral": 0.05},
            None,
            {"favor": 0.4, "against": 0.35, "neutral": 0.25},
        ],
    )
    second = _scored(
        emoji_record(),
        [
            {"favor": 0.5, "against": 0.1, "neutral": 0.4},
            {"favor": 0.2, "against": 0.7, "neutral": 0.1},
            None,
        ],
    )
    push(api, [first, second], project_name, tmp_path)
    listed = stance_examples(api, project_name)  # doccano's page order
    got = [(e["meta"]["doc_id"], e["meta"]["claim_id"]) for e in listed]
    assert got == [
        ("doc-a", "C3"),  # margin 0.05
        ("emoji-1", "C1"),  # 0.10
        ("emoji-1", "C2"),  # 0.50
        ("doc-a", "C1"),  # 0.85
        ("doc-a", "C2"),  # gated: last
        ("emoji-1", "C3"),
    ]
    assert [e["meta"]["margin"] for e in listed] == sorted(e["meta"]["margin"] for e in listed)
    assert listed[0]["meta"]["margin"] == margin(first["claims"][2]["stance"][0])


def test_only_targets_that_apply_are_pushed(api, project_name, tmp_path) -> None:
    off_topic = _scored(plain_record("off-topic"), [None, None, None])  # run-wide, all gated
    own = plain_record("own-targets")
    own["meta"]["targets"] = ["taxes"]
    for claim in own["claims"]:
        claim["stance"].append(dict(claim["stance"][0], target="taxes"))
    report = push(api, [off_topic, own], project_name, tmp_path)
    listed = stance_examples(api, project_name)
    assert {(e["meta"]["doc_id"], e["meta"]["target"]) for e in listed} == {
        ("own-targets", "taxes")
    }
    assert report.stance.not_applicable == 6
    assert report.stance.created == 3
    everything = push(api, [off_topic, own], f"{project_name}-all", tmp_path, all_targets=True)
    assert everything.stance.created == 9


def test_new_target_on_a_confirmed_document_is_added(api, project_name, tmp_path) -> None:
    record = plain_record()
    push(api, [record], project_name, tmp_path)
    pid = api.find_project(project_name)["id"]
    confirm(api, pid, api.examples(pid)[0]["id"])
    newer = copy.deepcopy(record)
    for claim in newer["claims"]:
        claim["stance"].append(
            {"target": "taxes", "label": "against", "score": 0.8, "scores": {"against": 0.8}}
        )
    report = push(api, [newer], project_name, tmp_path)
    assert report.articles.skipped_confirmed == 1 and report.articles.outdated == ["plain-1"]
    assert report.stance.created == 3 and report.stance.skipped_confirmed == 3
    taxes = [e for e in stance_examples(api, project_name) if e["meta"]["target"] == "taxes"]
    assert len(taxes) == 3
    confirm(api, api.find_project(f"{project_name}.stance")["id"], taxes[0]["id"])
    pulled = pull(api, project_name)[0]
    items = {(c["id"], i["target"]): i for c in pulled["claims"] for i in c["stance"]}
    assert items[("C1", "taxes")]["review"] == "kept"
    assert items[("C2", "taxes")] == dict(newer["claims"][1]["stance"][1], review="machine")
    assert items[("C1", "the strike")]["review"] == "machine"


def test_independent_and_collaborative_projects_do_not_mix(api, project_name, tmp_path) -> None:
    push(api, [plain_record()], project_name, tmp_path)
    with pytest.raises(ClaimtraceError) as failure:
        push(api, [plain_record()], project_name, tmp_path, independent=True)
    assert failure.value.code == "E316"
