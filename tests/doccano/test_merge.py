"""The in-place three-way merge of a re-pushed document (pure)."""

from __future__ import annotations

import copy

from pipeline.doccano.mapping import project_record
from pipeline.doccano.merge import Desired, ServerDoc, TextMap, plan_update, projection_sigs
from pipeline.doccano.offsets import OffsetMap

from .records import emoji_record, plain_record, span

ME, ANNOTATOR = 1, 7


def _server(record: dict) -> tuple[ServerDoc, dict[str, str]]:
    """The record as freshly pushed: spans 100.., relations 500.., all by ME."""
    proj = project_record(record)
    spans = [
        {
            "id": 100 + e["id"],
            "label": e["label"],
            "start_offset": e["start_offset"],
            "end_offset": e["end_offset"],
            "user": ME,
        }
        for e in proj.entities
    ]
    relations = [
        {
            "id": 500 + i,
            "from_id": 100 + r["from_id"],
            "to_id": 100 + r["to_id"],
            "type": r["type"],
            "user": ME,
        }
        for i, r in enumerate(proj.relations)
    ]
    links = {str(100 + i): key for i, key in enumerate(proj.keys)}
    return ServerDoc(record["text"], spans, relations), links


def _sigs(desired: Desired) -> set:
    return {sig for sig, _ in desired.spans}


def test_untouched_document_follows_the_new_output() -> None:
    old = plain_record()
    server, links = _server(old)
    new = copy.deepcopy(old)
    new["quotes"][0]["cue"] = None  # the pipeline no longer finds "said"
    desired, work = plan_update(old, links, {}, server, new, ME)
    assert not work
    keys, rels = projection_sigs(new)
    assert _sigs(desired) == set(keys.values())
    assert {rel for rel, _ in desired.relations} == set(rels)
    assert all(key is not None for _, key in desired.spans)


def test_annotators_work_survives_and_their_deletions_are_respected() -> None:
    old = plain_record()
    server, links = _server(old)
    ids = {key: int(i) for i, key in links.items()}
    mayor = span(old["text"], "The mayor")
    server.spans.append(
        {
            "id": 900,
            "label": "ACTOR",
            "start_offset": mayor["start"],
            "end_offset": mayor["end"],
            "user": ANNOTATOR,
        }
    )
    q1 = ids["Q:Q1"]
    server.relations = [
        r for r in server.relations if not (r["to_id"] == q1 and r["type"] == "SPEAKER_OF")
    ]
    server.relations.append(
        {"id": 901, "from_id": 900, "to_id": q1, "type": "SPEAKER_OF", "user": ANNOTATOR}
    )
    cue3 = ids[
        next(
            k
            for k in ids
            if k.startswith("U:") and k.endswith(f":{old['quotes'][2]['cue']['end']}")
        )
    ]
    server.spans = [s for s in server.spans if s["id"] != cue3]
    server.relations = [r for r in server.relations if cue3 not in (r["from_id"], r["to_id"])]
    new = copy.deepcopy(old)
    new["quotes"][1]["speaker"]["resolution"] = "unresolved"  # invisible change
    desired, work = plan_update(old, links, {}, server, new, ME)
    assert work.users == {ANNOTATOR}
    assert [s["id"] for s in work.spans] == [900] and [r["id"] for r in work.relations] == [901]
    assert len(work.deleted_spans) == 1 and work.deleted_spans[0].startswith("U:")
    assert len(work.deleted_relations) == 1 and work.deleted_relations[0][0] == "SPEAKER_OF"
    sigs = _sigs(desired)
    assert ("ACTOR", mayor["start"], mayor["end"]) in sigs
    assert next(
        k
        for k in links.values()
        if k.startswith("U:") and k.endswith(f":{old['quotes'][2]['cue']['end']}")
    ) not in {k for _, k in desired.spans}
    human = [rel for rel, is_human in desired.relations if is_human]
    assert human == [
        (
            "SPEAKER_OF",
            ("ACTOR", mayor["start"], mayor["end"]),
            next(sig for sig, key in desired.spans if key == "Q:Q1"),
        )
    ]
    removed = work.deleted_relations[0]
    assert removed not in {rel for rel, _ in desired.relations}  # not brought back
    assert not work.lost


def test_text_change_carries_spans_and_reports_what_cannot_follow() -> None:
    old = emoji_record()
    server, links = _server(old)
    omap = OffsetMap(old["text"])
    fans = span(old["text"], "Fans")
    u_start, u_end = omap.span_to_u16(fans["start"], fans["end"])
    server.spans.append(
        {
            "id": 950,
            "label": "ACTOR",
            "start_offset": u_start,
            "end_offset": u_end,
            "user": ANNOTATOR,
        }
    )
    maria = span(old["text"], "Maria O’Neil")
    server.spans.append(
        {
            "id": 951,
            "label": "CUE",
            **dict(
                zip(
                    ("start_offset", "end_offset"),
                    omap.span_to_u16(maria["start"], maria["end"]),
                    strict=True,
                )
            ),
            "user": ANNOTATOR,
        }
    )
    new = copy.deepcopy(old)
    prefix = "Breaking 🎉: "
    new["text"] = old["text"].replace("Fans cheered", prefix + "Supporters cheered")
    shift = len(prefix) + len("Supporters") - len("Fans")
    for actor in new["actors"]:
        for mention in actor["mentions"]:
            mention["start"] += shift
            mention["end"] += shift
    for item in new["quotes"] + new["claims"]:
        for part in (item, item.get("cue"), (item.get("speaker") or {}).get("mention")):
            if part:
                part["start"] += shift
                part["end"] += shift
    desired, work = plan_update(old, links, {}, server, new, ME)
    new_map = OffsetMap(new["text"])
    carried = ("CUE", *new_map.span_to_u16(maria["start"] + shift, maria["end"] + shift))
    assert (carried, None) in desired.spans  # the annotator's span followed its text
    assert [x["id"] for x in work.lost] == [950]  # "Fans" is gone from the new text
    keys, _ = projection_sigs(new)
    assert set(keys.values()) <= _sigs(desired)


def test_text_map_refuses_spans_whose_text_changed() -> None:
    carry = TextMap("abc def ghi", "abc DEF ghi jkl").carry
    assert carry(("X", 0, 3)) == ("X", 0, 3) and carry(("X", 8, 11)) == ("X", 8, 11)
    assert carry(("X", 4, 7)) is None and carry(("X", 2, 9)) is None


def test_desired_state_survives_the_journal() -> None:
    old = plain_record()
    server, links = _server(old)
    desired, _ = plan_update(old, links, {}, server, old, ME)
    assert Desired.from_json(desired.to_json()) == desired
