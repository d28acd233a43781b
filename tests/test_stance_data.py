"""Stance data builders, pair formatting and pair-file parsing (no model needed)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from stance_helpers import NEWSMTSC, PERSPECTRUM, require_shared

from pipeline.errors import ClaimtraceError
from pipeline.stance import data
from pipeline.stance.model import pair_segments
from pipeline.stance.predict import parse_pairs


def test_perspectrum_counts_match_readme_and_neutrals_are_honest():
    require_shared()
    two = data.perspectrum_examples(PERSPECTRUM, "test", neutral_per_claim=0)
    assert Counter(e["label"] for e in two) == {0: 1471, 1: 1302}
    three = data.perspectrum_examples(PERSPECTRUM, "test", neutral_per_claim=0.5, seed=13)
    neutrals = [e for e in three if e["label"] == data.NEUTRAL]
    assert 1200 < len(neutrals) < 1500
    # A neutral perspective was never written for (or labelled against) its own claim.
    own = {(e["target"], e["text"]) for e in two}
    assert not [e for e in neutrals if (e["target"], e["text"]) in own]
    # Neutral texts come from the same split only (no train perspective leaks into test).
    train = data.perspectrum_examples(PERSPECTRUM, "train", neutral_per_claim=0)
    train_texts = {e["text"] for e in train}
    test_texts = {e["text"] for e in two}
    assert {e["text"] for e in neutrals} <= test_texts
    assert not {e["target"] for e in two} & {e["target"] for e in train}
    # (PERSPECTRUM itself repeats some perspective texts across splits; neutrals add none.)
    assert {e["text"] for e in neutrals} & train_texts <= test_texts & train_texts
    # Deterministic for a seed.
    again = data.perspectrum_examples(PERSPECTRUM, "test", neutral_per_claim=0.5, seed=13)
    assert again == three


def test_newsmtsc_rw_test_counts_and_mentions():
    require_shared()
    rows = data.newsmtsc_examples(NEWSMTSC, "test")
    assert Counter(e["label"] for e in rows) == {1: 295, 2: 319, 0: 189}
    for ex in rows[:50]:
        start, end = ex["mention"]
        assert ex["text"][start:end] == ex["target"]


def test_missing_data_folder_is_a_coded_error(tmp_path):
    with pytest.raises(ClaimtraceError) as info:
        data.perspectrum_examples(tmp_path, "train")
    assert info.value.code == "E201"


def test_gold_reader_skips_missing_folder_and_reads_human_stance(tmp_path):
    assert data.gold_examples(tmp_path / "nope") == []
    record = {"claims": [{"text": "We will send weapons.", "stance": [
        {"target": "Arming Ukraine", "label": "favor", "score": 1.0},
        {"target": "Cutting taxes", "label": "neutral", "score": 1.0, "review": "machine"},
        {"target": "Arming Russia", "label": "against", "score": 1.0, "review": "changed"}]},
        {"text": "No stance here.", "stance": None}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n\n{broken\n", encoding="utf-8")
    rows = data.gold_examples(tmp_path)
    assert [(r["target"], r["label"], r["source"]) for r in rows] == [
        ("Arming Ukraine", 0, "gold"), ("Arming Russia", 1, "gold")]


def test_pair_segments_mark_mention_and_add_context():
    first, second = pair_segments({"task": "actor", "target": "Kim", "text": "Kim lied.",
                                   "mention": [0, 3]})
    assert first == "sentiment: Kim"
    assert second == "<< Kim >> lied."
    first, second = pair_segments({"task": "stance", "target": "Tax cuts",
                                   "text": "We need them.",
                                   "context": "\u201cWe need them,\u201d he said."})
    assert first == "stance: Tax cuts"
    assert second.startswith("We need them. (context:")
    _, same = pair_segments({"target": "x", "text": "Same text.", "context": "Same text."})
    assert same == "Same text."


def test_parse_pairs_reports_bad_lines_and_keeps_good_ones():
    lines = ['{"target": "t", "text": "a"}', "not json", '{"target": "t"}', "",
             '{"target": "t", "text": "b", "context": "c", "task": "actor"}',
             '{"target": "t", "text": "b", "task": "weather"}']
    parsed = list(parse_pairs(lines, "pairs.jsonl"))
    assert [p.line for p in parsed] == [1, 2, 3, 5, 6]
    assert [p.error.code if p.error else None for p in parsed] == [
        None, "E203", "E204", None, "E207"]
    assert "pairs.jsonl" in str(parsed[1].error) and "'text'" in str(parsed[2].error)
    assert parsed[3].example["task"] == "actor" and parsed[3].example["context"] == "c"
