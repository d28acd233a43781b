"""The article view: spans checked against the text, properly nested markup, escaping."""

from __future__ import annotations

from pipeline.report.article import build_article
from pipeline.report.render import render
from pipeline.report.spans import Mark, segment

from .records import HOSTILE, edge_records, record


def by_id(doc_id: str) -> dict:
    return next(r for r in edge_records() if r["id"] == doc_id)


def text_of_quote(tokens: list[dict], quote_id: str) -> str:
    """Concatenate the text tokens inside (every piece of) quote ``quote_id``."""
    out, inside = [], False
    for token in tokens:
        if token["kind"] == "open_quote":
            inside = token["quote"]["id"] == quote_id
        elif token["kind"] == "close_quote":
            inside = False
        elif token["kind"] == "text" and inside:
            out.append(token["text"])
    return "".join(out)


def test_tokens_rebuild_the_text_exactly():
    for rec in edge_records():
        if "error" in rec:
            continue
        view = build_article(rec)
        assert "".join(t["text"] for t in view.tokens if t["kind"] == "text") == rec["text"]
        assert view.warnings == []


def test_quote_pieces_hold_the_quote_text_with_emoji_offsets():
    rec = by_id("emoji")
    view = build_article(rec)
    for quote in rec["quotes"]:
        assert text_of_quote(view.tokens, quote["id"]) == quote["text"]


def test_badges_follow_the_claim_and_skip_gated_pairs():
    view = build_article(by_id("bridge"))
    badges = [t for t in view.tokens if t["kind"] == "badges"]
    assert [b["claim"]["id"] for b in badges] == ["C1", "C2", "C3"]
    c1 = badges[0]["claim"]["stance"]
    assert [(s["tag"], s["label"], s["gated"]) for s in c1] == [
        ("T1", "favor", False), ("T2", "neutral", True)]
    assert view.targets == ["Reopen the bridge", "Ban cars downtown"]


def test_same_speaker_same_colour_and_first_piece_focusable():
    view = build_article(by_id("bridge"))
    colours = {q["id"]: q["colour"] for q in view.quotes}
    assert colours["Q2"] == colours["Q3"] != colours["Q1"]
    opens = [t for t in view.tokens if t["kind"] == "open_quote"]
    assert sum(t["focus"] for t in opens) == len(view.quotes)


def test_nesting_is_balanced():
    for rec in edge_records():
        if "error" in rec:
            continue
        depth = 0
        for token in build_article(rec).tokens:
            depth += token["kind"].startswith("open_")
            depth -= token["kind"].startswith("close_")
            assert 0 <= depth <= 2
        assert depth == 0


def test_overlapping_quotes_split_into_pieces():
    marks = [Mark(0, 10, "quote", "Q1"), Mark(5, 15, "quote", "Q2"), Mark(2, 4, "cue", "Q1")]
    pieces = [(s.start, s.end, s.quote.key if s.quote else None,
               s.inner.layer if s.inner else None) for s in segment(20, marks)]
    assert pieces == [(0, 2, "Q1", None), (2, 4, "Q1", "cue"), (4, 5, "Q1", None),
                      (5, 10, "Q1", None), (10, 15, "Q2", None), (15, 20, None, None)]


def test_bad_offsets_become_coded_warnings_not_crashes():
    text = "“Yes,” said Al Bo."
    rec = record("bad", text, [{"quote": "“Yes,”", "cue": "said", "speaker": "Al Bo",
                                "actor": "Al Bo"}], actors=[("Al Bo", "PERSON")])
    rec["quotes"][0]["cue"] = {"start": 7, "end": 999, "text": "said"}
    rec["claims"][0]["text"] = "something else"
    view = build_article(rec)
    assert any(w.startswith("[E612]") and "cue of Q1" in w for w in view.warnings)
    assert any(w.startswith("[E613]") and "claim C1" in w for w in view.warnings)
    assert text_of_quote(view.tokens, "Q1") == "“Yes,”"


def test_article_text_and_names_are_escaped():
    view = build_article(by_id("hostile"))
    html = render("show.html.j2", articles=[view], title=view.id, source_name="x.jsonl")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE not in html



def test_claim_of_a_missing_quote_and_odd_values_still_render():
    rec = by_id("bridge")
    rec["claims"][0]["quote_id"] = "Q99"
    rec["claims"][1]["quote_id"] = None
    rec["claims"][2]["stance"] = [{"target": "t", "label": "favor"}]  # no score, no scores
    rec["quotes"][0]["speaker"] = None
    view = build_article(rec)
    html = render("show.html.j2", articles=[view], title=view.id, source_name="x.jsonl")
    assert view.claims[0]["colour"] is None and "no speaker found" in html
    assert "T2 favor 0.00" in html or "favor 0.00" in html
