"""Record <-> doccano mapping without a server (pure functions)."""

from __future__ import annotations

import copy
import json

from pipeline.doccano.identity import anchor_of
from pipeline.doccano.mapping import (
    DRelation,
    DSpan,
    StanceState,
    applicable_targets,
    claim_of_stance_text,
    import_line,
    link_spans,
    project_record,
    quote_type,
    reconstruct,
    stance_key,
    stance_lines,
    store_line,
    strip_review,
)
from pipeline.doccano.offsets import OffsetMap

from .records import emoji_record, plain_record, span


def _as_doccano(record: dict) -> tuple[list[DSpan], list[DRelation], dict[str, str]]:
    """What an untouched import looks like from the pull side (ids 100, 101, ...)."""
    proj = project_record(record)
    omap = OffsetMap(record["text"])
    spans = [
        DSpan(100 + e["id"], e["label"], *omap.span_to_cp(e["start_offset"], e["end_offset"]))
        for e in proj.entities
    ]
    rels = [DRelation(100 + r["from_id"], 100 + r["to_id"], r["type"]) for r in proj.relations]
    keys = {str(100 + i): key for i, key in enumerate(proj.keys)}
    return spans, rels, keys


def test_projection_labels_relations_and_utf16_offsets() -> None:
    record = emoji_record()
    proj = project_record(record)
    labels = sorted({e["label"] for e in proj.entities})
    assert labels == ["ACTOR", "CLAIM", "CUE", "QUOTE"]
    assert sorted({r["type"] for r in proj.relations}) == ["CLAIM_OF", "CUE_OF", "SPEAKER_OF"]
    quote = next(e for e in proj.entities if e["label"] == "QUOTE")
    units = record["text"].encode("utf-16-le")
    assert (
        units[2 * quote["start_offset"] : 2 * quote["end_offset"]].decode("utf-16-le")
        == record["quotes"][0]["text"]
    )
    # Maria O'Neil is one ACTOR span shared by two SPEAKER_OF relations
    assert sum(1 for k in proj.keys if k.startswith("M:")) == 2


def test_import_line_carries_doc_id_and_machine_record() -> None:
    record = plain_record()
    line = import_line(record)
    assert line["doc_id"] == "plain-1" and line["text"] == record["text"]
    assert set(line) == {"text", "entities", "relations", "doc_id", "claimtrace_hash"}
    assert store_line(record, 7, {"1": "Q:Q1"})["store"]["record"] == record


def test_untouched_reconstruction_is_the_machine_record() -> None:
    for record in (emoji_record(), plain_record()):
        spans, rels, keys = _as_doccano(record)
        pulled = reconstruct(record, spans, rels, keys, confirmed=False)
        assert strip_review(pulled) == record
        assert pulled["quotes"][0]["review"] == "machine"
        confirmed = reconstruct(record, spans, rels, keys, confirmed=True)
        assert {q["review"] for q in confirmed["quotes"]} == {"kept"}


def test_link_spans_matches_server_ids_by_label_and_offsets() -> None:
    record = emoji_record()
    proj = project_record(record)
    names = {1: "ACTOR", 2: "QUOTE", 3: "CUE", 4: "CLAIM"}
    ids = {v: k for k, v in names.items()}
    server_spans = [
        {
            "id": 500 - e["id"],
            "label": ids[e["label"]],
            "start_offset": e["start_offset"],
            "end_offset": e["end_offset"],
        }
        for e in proj.entities
    ]
    linked = link_spans(record, server_spans, names)
    assert sorted(linked.values()) == sorted(proj.keys)
    assert linked[str(500)] == proj.keys[0]


def test_edits_deleted_moved_relabelled_and_respoken() -> None:
    record = emoji_record()
    spans, rels, keys = _as_doccano(record)
    by_key = {keys[str(s.id)]: s for s in spans}
    cue1 = by_key["U:{start}:{end}".format(**record["quotes"][0]["cue"])]
    q2 = by_key["Q:Q2"]
    c3 = by_key["C:C3"]
    maria = by_key["M:{start}:{end}".format(**record["actors"][0]["mentions"][0])]
    she = by_key["M:{start}:{end}".format(**record["quotes"][2]["speaker"]["mention"])]
    spans = [s for s in spans if s.id != cue1.id]
    rels = [r for r in rels if cue1.id not in (r.source, r.target)]
    spans = [DSpan(s.id, s.label, s.start, s.end - 1) if s.id == q2.id else s for s in spans]
    spans = [DSpan(s.id, "QUOTE", s.start, s.end) if s.id == c3.id else s for s in spans]
    rels = [r for r in rels if not (r.source == she.id and r.type == "SPEAKER_OF")]
    rels.append(DRelation(maria.id, by_key["Q:Q3"].id, "SPEAKER_OF"))
    stance = {("C1", "the strike"): StanceState("against", True)}
    pulled = reconstruct(record, spans, rels, keys, confirmed=True, stance=stance)

    q1, q2_out, q3, q4 = pulled["quotes"]
    assert q1["cue"] is None and q1["review"] == "changed"
    assert pulled["claims"][0]["cue"] is None
    assert q2_out["end"] == record["quotes"][1]["end"] - 1
    assert q2_out["text"] == record["quotes"][1]["text"][:-1] and q2_out["review"] == "changed"
    assert q3["speaker"]["mention"]["text"] == "Maria O’Neil" and q3["speaker"]["actor_id"] == "A1"
    assert q3["speaker"]["resolution"] == "cue_subject"
    assert q4 == {
        "id": "Q4",
        "type": "direct",
        **span(record["text"], "“Nobody leaves.”"),
        "cue": None,
        "speaker": None,
        "continues": None,
        "review": "added",
    }
    assert [c["id"] for c in pulled["review"]["deleted"]["claims"]] == ["C3"]
    stance_c1 = pulled["claims"][0]["stance"][0]
    assert stance_c1["label"] == "against" and stance_c1["machine_label"] == "favor"
    assert stance_c1["review"] == "changed"
    assert pulled["claims"][1]["review"] == "kept"


def test_deleted_actor_mention_and_added_name_mention() -> None:
    record = plain_record()
    spans, rels, keys = _as_doccano(record)
    ann = span(record["text"], "Ann Lee")
    spans = [s for s in spans if keys.get(str(s.id)) != f"M:{ann['start']}:{ann['end']}"]
    mayor = span(record["text"], "The mayor")
    spans.append(DSpan(999, "ACTOR", mayor["start"], mayor["end"]))
    pulled = reconstruct(record, spans, rels, keys, confirmed=True)
    assert [a["id"] for a in pulled["review"]["deleted"]["actors"]] == ["A1"]
    assert pulled["quotes"][0]["speaker"] is None
    added = pulled["actors"][-1]
    assert added["name"] == "The mayor" and added["review"] == "added"


def test_cleared_stance_is_listed_as_deleted() -> None:
    record = plain_record()
    spans, rels, keys = _as_doccano(record)
    pulled = reconstruct(
        record,
        spans,
        rels,
        keys,
        confirmed=True,
        stance={("C2", "the strike"): StanceState(None, True)},
    )
    assert pulled["claims"][1]["stance"] == []
    assert pulled["review"]["deleted"]["stance"][0]["claim_id"] == "C2"


def test_stance_lines_one_per_claim_and_target() -> None:
    record = copy.deepcopy(plain_record())
    lines = stance_lines(record)
    assert len(lines) == 3 and lines[1]["label"] == ["against"]
    claim = record["claims"][1]
    anchor = anchor_of(record["text"], claim["start"], claim["end"]).encode()
    assert lines[1]["anchor"] == anchor and lines[1]["claim_id"] == "C2"
    assert json.loads(stance_key(lines[1])) == ["plain-1", "the strike", anchor]
    assert lines[1]["machine_label"] == "against" and lines[1]["margin"] == 0.52
    assert "TARGET: the strike" in lines[1]["text"] and "Tom Baker" in lines[1]["text"]
    assert claim_of_stance_text(lines[1]["text"]) == claim["text"]


def test_applicable_targets_meta_first_then_relevant_run_wide() -> None:
    record = plain_record()
    for claim in record["claims"]:
        claim["stance"].append(
            {"target": "tariffs", "label": "neutral", "score": 1.0, "scores": {}, "gated": True}
        )
    assert applicable_targets(record) == ["the strike"]  # every claim off-topic for tariffs
    assert applicable_targets(record, all_targets=True) == ["the strike", "tariffs"]
    record["meta"]["targets"] = ["tariffs"]
    assert applicable_targets(record) == ["tariffs"]  # the article's own targets only
    assert [line["target"] for line in stance_lines(record, applicable_targets(record))] == [
        "tariffs"
    ] * 3


def test_corrected_stance_keeps_relevance_and_gate() -> None:
    record = plain_record()
    record["claims"][0]["stance"][0].update(relevance=0.12, gated=True, scores={}, score=1.0)
    spans, rels, keys = _as_doccano(record)
    state = {("C1", "the strike"): StanceState("favor", True)}
    pulled = reconstruct(record, spans, rels, keys, confirmed=True, stance=state)
    item = pulled["claims"][0]["stance"][0]
    assert item == {
        "target": "the strike",
        "label": "favor",
        "score": 1.0,
        "scores": {},
        "relevance": 0.12,
        "gated": True,
        "machine_label": "neutral",
        "machine_score": 1.0,
        "review": "changed",
    }


def test_quote_type_guess() -> None:
    assert quote_type("“We will stay,”") == "direct"
    assert quote_type("that “the strike” goes on") == "mixed"
    assert quote_type("taxes will rise") == "indirect"


def test_redrawn_span_counts_as_changed_not_deleted_and_added() -> None:
    record = plain_record()
    spans, rels, keys = _as_doccano(record)
    q2 = next(s for s in spans if keys[str(s.id)] == "Q:Q2")
    spans = [s for s in spans if s.id != q2.id] + [DSpan(900, "QUOTE", q2.start + 1, q2.end - 2)]
    rels = [r for r in rels if q2.id not in (r.source, r.target)]
    pulled = reconstruct(record, spans, rels, keys, confirmed=True)
    quote = pulled["quotes"][1]
    assert quote["id"] == "Q2" and quote["review"] == "changed"
    assert quote["text"] == record["quotes"][1]["text"][1:-2]
    assert quote["speaker"] is None and quote["cue"] is None  # relations went with the old span
    assert pulled["review"]["deleted"]["quotes"] == []


def test_continuation_of_a_deleted_quote_is_cut() -> None:
    record = emoji_record()
    assert record["quotes"][1]["continues"] == "Q1"
    spans, rels, keys = _as_doccano(record)
    spans = [s for s in spans if keys[str(s.id)] != "Q:Q1"]
    pulled = reconstruct(record, spans, rels, keys, confirmed=True)
    assert [q["id"] for q in pulled["review"]["deleted"]["quotes"]] == ["Q1"]
    assert pulled["quotes"][0]["continues"] is None
    assert pulled["quotes"][0]["review"] == "changed"
