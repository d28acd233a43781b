"""Annotators' unconfirmed work survives a re-push: merged in place, backed up, reported
(real server, edits made through an annotator account)."""

from __future__ import annotations

import copy
import json
import stat

import pytest

from pipeline.doccano.mapping import strip_review
from pipeline.doccano.offsets import OffsetMap
from pipeline.doccano.pages import page_links

from .helpers import annotator, pull, push, set_stance, stance_examples
from .records import emoji_record, plain_record, span

pytestmark = pytest.mark.doccano


def _ids(api, pid: int, example_id: int) -> tuple[dict, dict]:
    """Span ids by (label, start, end) and relation ids by (type, from, to) (UTF-16)."""
    names = {v: k for k, v in api.label_types(pid, "span").items()}
    spans = api.spans(pid, example_id)
    by_id = {s["id"]: (names[s["label"]], s["start_offset"], s["end_offset"]) for s in spans}
    types = {v: k for k, v in api.label_types(pid, "relation").items()}
    rels = {
        (types[r["type"]], by_id[r["from_id"]], by_id[r["to_id"]]): r["id"]
        for r in api.relations(pid, example_id)
    }
    return {v: k for k, v in by_id.items()}, rels


def _edit_plain(ann, pid: int, example_id: int, record: dict) -> None:
    """Re-point Q1's speaker to a new ACTOR span and delete Q3's cue, as an annotator."""
    spans, rels = _ids(ann, pid, example_id)
    text = record["text"]
    mayor = span(text, "The mayor")
    actor = ann.create_span(
        pid, example_id, ann.label_types(pid, "span")["ACTOR"], mayor["start"], mayor["end"]
    )
    q1 = record["quotes"][0]
    quote_sig = ("QUOTE", q1["start"], q1["end"])
    ann_lee = ("ACTOR", q1["speaker"]["mention"]["start"], q1["speaker"]["mention"]["end"])
    ann.delete_relation(pid, example_id, rels[("SPEAKER_OF", ann_lee, quote_sig)])
    ann.create_relation(
        pid, example_id, ann.label_types(pid, "relation")["SPEAKER_OF"], actor, spans[quote_sig]
    )
    cue = record["quotes"][2]["cue"]
    ann.delete_span(pid, example_id, spans[("CUE", cue["start"], cue["end"])])


def _pushed_plain(api, project: str, folder) -> tuple[dict, int, dict]:  # noqa: ANN001
    """Push the plain record alone; its record, project id and example."""
    plain = plain_record()
    push(api, [plain], project, folder)
    pid = api.find_project(project)["id"]
    return plain, pid, api.examples(pid)[0]


def _pipeline_changed(record: dict) -> dict:
    changed = copy.deepcopy(record)
    changed["quotes"][1]["speaker"]["resolution"] = "unresolved"
    changed["claims"][0]["stance"][0].update(label="against", score=0.5)
    return changed


def test_unconfirmed_edits_survive_a_repush(doccano_server, api, project_name, tmp_path) -> None:
    plain, emoji = plain_record(), emoji_record()
    push(api, [plain, emoji], project_name, tmp_path)
    pid = api.find_project(project_name)["id"]
    pages_before = page_links(api, project_name)
    examples = {e["meta"]["doc_id"]: e for e in api.examples(pid)}
    name = f"edit-{project_name[:20]}"
    ann = annotator(doccano_server.url, project_name, name)
    _edit_plain(ann, pid, examples["plain-1"]["id"], plain)
    c1 = next(
        e
        for e in stance_examples(ann, project_name)
        if e["meta"]["doc_id"] == "plain-1" and e["meta"]["claim_id"] == "C1"
    )
    set_stance(ann, project_name, c1["id"], "favor")  # not confirmed; the new output differs
    before = pull(api, project_name, include_unconfirmed=True)[0]

    report = push(api, [_pipeline_changed(plain), _pipeline_changed(emoji)], project_name, tmp_path)
    assert report.articles.updated == 2
    assert report.edits.merged == ["plain-1"] and report.edits.users == {name}
    assert report.edits.stance_kept == 1
    assert page_links(api, project_name) == pages_before  # same examples, same pages
    backup = report.edits.backups[0]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    saved = json.loads(backup.read_text(encoding="utf-8"))
    assert saved["users"] == [name] and saved["record_before_push"] == before
    assert [s["text"] for s in saved["annotators_spans"]] == ["The mayor"]
    assert len(saved["machine_spans_they_removed"]) == 1

    got = pull(api, project_name, include_unconfirmed=True)
    plain_now = next(r for r in got if r["id"] == "plain-1")
    assert plain_now["quotes"][0]["speaker"]["mention"]["text"] == "The mayor"
    assert plain_now["quotes"][0]["speaker"]["review"] == "changed"
    assert plain_now["quotes"][2]["cue"] is None  # the annotator's deletion holds
    assert plain_now["quotes"][1]["speaker"]["resolution"] == "unresolved"  # new output in
    stance = plain_now["claims"][0]["stance"][0]
    assert stance["label"] == "favor" and stance["review"] == "changed"  # the person's label
    assert stance["machine_label"] == "against"  # ... next to the new machine label
    emoji_c1 = next(r for r in got if r["id"] == "emoji-1")["claims"][0]["stance"][0]
    assert emoji_c1["label"] == "against" and emoji_c1["review"] == "machine"  # refreshed
    emoji_now = next(r for r in got if r["id"] == "emoji-1")
    assert strip_review(emoji_now) == _pipeline_changed(emoji)  # untouched: new output exactly


def test_keep_edited_leaves_edited_documents_alone(
    doccano_server, api, project_name, tmp_path
) -> None:
    plain, pid, example = _pushed_plain(api, project_name, tmp_path)
    _edit_plain(annotator(doccano_server.url, project_name, "keeper"), pid, example["id"], plain)
    before = pull(api, project_name, include_unconfirmed=True)
    report = push(api, [_pipeline_changed(plain)], project_name, tmp_path, keep_edited=True)
    assert report.edits.skipped == ["plain-1"] and report.articles.updated == 0
    assert not report.edits.backups
    assert pull(api, project_name, include_unconfirmed=True) == before


def test_text_change_reports_edits_it_cannot_carry(
    doccano_server, api, project_name, tmp_path
) -> None:
    plain, pid, example = _pushed_plain(api, project_name, tmp_path)
    ann = annotator(doccano_server.url, project_name, "carrier")
    label = ann.label_types(pid, "span")["ACTOR"]
    mayor, council = span(plain["text"], "The mayor"), span(plain["text"], "the council")
    ann.create_span(pid, example["id"], label, mayor["start"], mayor["end"])
    ann.create_span(pid, example["id"], label, council["start"], council["end"])
    rewritten = copy.deepcopy(plain)
    rewritten["text"] = plain["text"].replace("The mayor", "Our mayor")  # same length
    report = push(api, [rewritten], project_name, tmp_path)
    assert report.edits.partly_lost == ["plain-1"]
    saved = json.loads(report.edits.backups[0].read_text(encoding="utf-8"))
    assert [x["text"] for x in saved["not_carried_over"]] == ["The mayor"]
    assert api.examples(pid)[0]["text"] == rewritten["text"]
    names = {v: k for k, v in api.label_types(pid, "span").items()}
    kept = {
        (names[s["label"]], s["start_offset"], s["end_offset"])
        for s in api.spans(pid, example["id"])
    }
    assert (
        "ACTOR",
        *OffsetMap(rewritten["text"]).span_to_u16(council["start"], council["end"]),
    ) in kept
