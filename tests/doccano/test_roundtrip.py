"""Push then pull without edits gives back exactly the pipeline's output (real server)."""

from __future__ import annotations

import json

import pytest

from pipeline.doccano.mapping import strip_review
from pipeline.doccano.offsets import OffsetMap

from .helpers import example_count, pull, push
from .records import crlf_record, emoji_record, plain_record

pytestmark = pytest.mark.doccano


def test_lossless_round_trip(api, project_name, tmp_path) -> None:
    records = [emoji_record(), plain_record(), crlf_record()]
    report = push(api, records, project_name, tmp_path)
    assert report.articles.created == 3 and report.stance.created == 6
    pulled = pull(api, project_name, include_unconfirmed=True)
    assert [strip_review(r) for r in pulled] == records
    # byte-exact too (key order, unicode)
    assert [json.dumps(strip_review(r), ensure_ascii=False) for r in pulled] == [
        json.dumps(r, ensure_ascii=False) for r in records
    ]
    assert {q["review"] for r in pulled for q in r["quotes"]} == {"machine"}
    assert pull(api, project_name) == []  # nothing confirmed yet


def test_emoji_offsets_are_utf16_in_doccano(api, project_name, tmp_path) -> None:
    record = emoji_record()
    push(api, [record], project_name, tmp_path)
    project = api.find_project(project_name)
    example = api.examples(project["id"])[0]
    types = {v: k for k, v in api.label_types(project["id"], "span").items()}
    units = example["text"].encode("utf-16-le")
    shown = {
        units[2 * s["start_offset"] : 2 * s["end_offset"]].decode("utf-16-le")
        for s in api.spans(project["id"], example["id"])
        if types[s["label"]] == "QUOTE"
    }
    assert shown == {q["text"] for q in record["quotes"]}
    quote = record["quotes"][0]
    assert OffsetMap(record["text"]).to_u16(quote["start"]) == quote["start"] + 2
    pulled = pull(api, project_name, include_unconfirmed=True)[0]
    assert (
        pulled["quotes"][0]["text"]
        == quote["text"]
        == record["text"][quote["start"] : quote["end"]]
    )


def test_project_settings_let_annotators_see_pre_annotations(api, project_name, tmp_path) -> None:
    push(api, [plain_record()], project_name, tmp_path)
    spans = api.get(f"projects/{api.find_project(project_name)['id']}")
    assert (
        spans["collaborative_annotation"] and spans["allow_overlapping"] and spans["use_relation"]
    )
    assert spans["grapheme_mode"] is False
    stance = api.find_project(f"{project_name}.stance")
    assert stance["project_type"] == "DocumentClassification"
    assert example_count(api, f"{project_name}.stance") == 3
