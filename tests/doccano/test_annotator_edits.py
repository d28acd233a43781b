"""Corrections made as an annotator account through the API come back exactly (real server)."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from doccano_client import DoccanoClient
from doccano_client.exceptions import DoccanoAPIError

from pipeline.doccano.offsets import OffsetMap
from pipeline.paths import SCHEMA_PATH

from .helpers import admin_client, pull, push
from .records import crlf_record, emoji_record, plain_record, span

pytestmark = pytest.mark.doccano
ANNOTATOR_PASSWORD = "annot-Pw-93kd"


def _annotator(url: str, project_ids: list[int], name: str) -> DoccanoClient:
    admin = admin_client(url)
    admin.create_user(name, ANNOTATOR_PASSWORD)
    for project_id in project_ids:
        admin.add_member(project_id, name, "annotator")
    client = DoccanoClient(url)
    client.login(username=name, password=ANNOTATOR_PASSWORD)
    return client


def _confirm(client: DoccanoClient, project_id: int, example_id: int) -> None:
    if not client.find_example_by_id(project_id, example_id).is_confirmed:
        client.update_example_state(project_id, example_id)


def test_annotator_edits_come_back_exactly(doccano_server, api, project_name, tmp_path) -> None:
    emoji, plain, crlf = emoji_record(), plain_record(), crlf_record()
    push(api, [emoji, plain, crlf], project_name, tmp_path)
    pid = api.find_project(project_name)["id"]
    sid = api.find_project(f"{project_name}.stance")["id"]
    ann = _annotator(doccano_server.url, [pid, sid], f"annotator-{pid}")
    examples = {e.meta["doc_id"]: e for e in ann.list_examples(pid)}
    assert set(examples["emoji-1"].meta) == {"doc_id", "claimtrace_hash"}  # a short panel
    store_id = api.find_project(f"{project_name}.store")["id"]
    with pytest.raises(DoccanoAPIError):  # the bookkeeping project is not theirs to see
        ann.list_examples(store_id).__next__()
    span_types = {t.text: t.id for t in ann.list_label_types(pid, "span")}
    rel_types = {t.text: t.id for t in ann.list_label_types(pid, "relation")}
    names = {v: k for k, v in span_types.items()}

    # --- emoji-1: delete a cue, move a quote end, re-point a speaker, change a stance, confirm
    ex = examples["emoji-1"]
    omap = OffsetMap(emoji["text"])
    spans = ann.list_spans(pid, ex.id)

    def find(label: str, item: dict):
        start, end = omap.span_to_u16(item["start"], item["end"])
        return next(
            s
            for s in spans
            if names[s.label] == label and (s.start_offset, s.end_offset) == (start, end)
        )

    ann.delete_span(pid, ex.id, find("CUE", emoji["quotes"][0]["cue"]).id)
    q2 = emoji["quotes"][1]
    _, new_end = omap.span_to_u16(q2["start"], q2["end"] - 1)
    ann.update_span(pid, ex.id, find("QUOTE", q2).id, end_offset=new_end)
    she = find("ACTOR", emoji["quotes"][2]["speaker"]["mention"])
    q3 = find("QUOTE", emoji["quotes"][2])
    for rel in ann.list_relations(pid, ex.id):
        if rel.from_id == she.id and rel.to_id == q3.id:
            ann.delete_relation(pid, ex.id, rel.id)
    maria = find("ACTOR", emoji["actors"][0]["mentions"][0])
    ann.create_relation(pid, ex.id, maria.id, q3.id, rel_types["SPEAKER_OF"])
    _confirm(ann, pid, ex.id)

    stance_ex = next(
        e
        for e in ann.list_examples(sid)
        if e.meta["doc_id"] == "emoji-1" and e.meta["claim_id"] == "C1"
    )
    categories = {t.text: t.id for t in ann.list_label_types(sid, "category")}
    for category in ann.list_categories(sid, stance_ex.id):
        ann.delete_category(sid, stance_ex.id, category.id)
    ann.create_category(sid, stance_ex.id, categories["against"])
    _confirm(ann, sid, stance_ex.id)

    # --- plain-1: relabel the CLAIM of Q2 as a QUOTE, add a new ACTOR span, confirm
    ex = examples["plain-1"]
    claim2 = next(
        s
        for s in ann.list_spans(pid, ex.id)
        if names[s.label] == "CLAIM" and s.start_offset == plain["claims"][1]["start"]
    )
    ann.update_span(pid, ex.id, claim2.id, label=span_types["QUOTE"])
    mayor = span(plain["text"], "The mayor")
    ann.create_span(pid, ex.id, mayor["start"] or 0, mayor["end"], span_types["ACTOR"])
    _confirm(ann, pid, ex.id)

    pulled = {r["id"]: r for r in pull(api, project_name)}
    assert sorted(pulled) == ["emoji-1", "plain-1"]  # crlf-1 is unconfirmed
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    for record in pulled.values():  # provenance fields are additive: still schema-valid
        assert list(validator.iter_errors(record)) == []

    # expected emoji-1, built from the machine record by hand
    want = copy.deepcopy(emoji)
    for actor in want["actors"]:
        for mention in actor["mentions"]:
            mention["review"] = "kept"
    wq1, wq2, wq3 = want["quotes"]
    wc1, wc2, wc3 = want["claims"]
    wq1.update(cue=None, review="changed")
    wc1.update(cue=None, review="changed")
    wc1["stance"] = [
        {
            "target": "the strike",
            "label": "against",
            "score": 1.0,
            "scores": {},
            "machine_label": "favor",
            "machine_score": 0.71,
            "review": "changed",
        }
    ]
    wq2.update(end=q2["end"] - 1, text=q2["text"][:-1], review="changed")
    wc2["review"] = "kept"
    wc2["stance"][0]["review"] = "machine"  # its stance example was not confirmed
    new_speaker = {
        "mention": dict(emoji["actors"][0]["mentions"][0]),
        "actor_id": "A1",
        "name": "Maria O’Neil",
        "resolution": "cue_subject",
        "review": "changed",
    }
    new_speaker["mention"].pop("kind")
    wq3.update(speaker=new_speaker, review="changed")
    wc3.update(speaker=new_speaker, review="changed")
    wc3["stance"][0]["review"] = "machine"
    got = pulled["emoji-1"]
    review = got.pop("review")
    assert review["confirmed"] is True
    assert review["deleted"] == {
        "mentions": [],
        "quotes": [],
        "claims": [],
        "stance": [],
        "actors": [],
    }
    assert got == want

    got = pulled["plain-1"]
    assert [c["id"] for c in got["review"]["deleted"]["claims"]] == ["C2"]
    assert [c["id"] for c in got["claims"]] == ["C1", "C3"]
    assert got["quotes"][-1] == {
        "id": "Q4",
        "type": "direct",
        **span(plain["text"], "“We will stay,”"),
        "cue": None,
        "speaker": None,
        "continues": None,
        "review": "added",
    }
    assert got["actors"][-1] == {
        "id": "A3",
        "name": "The mayor",
        "type": "PERSON",
        "mentions": [dict(mayor, kind="name", review="added")],
        "roles": [],
        "affiliations": [],
        "review": "added",
    }
    assert {q["review"] for q in got["quotes"][:3]} == {"kept"}
