"""brat standoff reader: a tiny PolNeAR-style snippet, plus the real PolNeAR dev split."""

from pathlib import Path

import pytest
from test_evaluate_gold import require_shared

from pipeline.errors import ClaimtraceError
from pipeline.evaluate.brat import (
    article_name,
    gold_quotes_from_ann,
    parse_ann,
    pick_ann_files,
    read_brat_folder,
)
from pipeline.paths import SHARED_DIR

TEXT = ('Title\n\n"We will win," Ann Lee said, "and soon."\n'
        'Officials believe that the vote\nwill be close.\n'
        'ABSTRACT.\n')
WIN, SOON, BELIEF = '"We will win,"', '"and soon."', "that the vote\nwill be close"


def at(needle: str) -> str:
    """brat offsets "start end" of ``needle`` in TEXT."""
    start = TEXT.index(needle)
    return f"{start} {start + len(needle)}"


ANN = "\n".join([
    f"T1\tContent {at(WIN)};{at(SOON)}\t{WIN} {SOON}",
    f"T2\tSource {at('Ann Lee')}\tAnn Lee",
    f"T3\tCue {at('said')}\tsaid",
    f"T4\tAttribution {at('said')}\tsaid",
    "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
    f"T5\tCue {at('believe')}\tbelieve",
    f"T6\tContent {at(BELIEF)}\t{BELIEF}",  # covered text runs over a newline
    f"T7\tAttribution-no-source {at('believe')}\tbelieve",
    "E2\tAttribution-no-source:T7 Content:T6 Cue:T5",
    f"T8\tDiscard {at('ABSTRACT.')}\tABSTRACT.",
    "#1\tAnnotatorNotes T1\ta note",
    "",
])


def test_snippet_offsets_are_right():
    assert ANN.splitlines()[0].startswith("T1\tContent 7 21;36 47\t")
    assert TEXT[7:21] == '"We will win,"' and TEXT[36:47] == '"and soon."'


def test_parse_ann_handles_multiline_records_and_notes():
    spans, events = parse_ann(ANN)
    assert set(spans) == {f"T{i}" for i in range(1, 9)}
    assert spans["T1"].fragments == [(7, 21), (36, 47)]
    assert len(events) == 2 and events[1]["Attribution-no-source"] == "T7"


def test_gold_quotes_from_ann():
    direct, belief = gold_quotes_from_ann(ANN, TEXT)
    assert direct.fragments == [(7, 21), (36, 47)]
    assert direct.type == "direct" and direct.has_quote_mark
    assert direct.source == [(22, 29)] and direct.cue == [(30, 34)]
    assert belief.type == "indirect" and belief.source is None and not belief.has_quote_mark


def test_stretch_makes_one_span():
    direct, _ = gold_quotes_from_ann(ANN, TEXT, stretch=True)
    assert direct.fragments == [(7, 47)]


def test_offsets_outside_text_are_a_coded_error():
    with pytest.raises(ClaimtraceError) as info:
        gold_quotes_from_ann("T1\tContent 0 999\tx\nE1\tAttribution:T1 Content:T1\n", TEXT)
    assert info.value.code == "E405"


def test_folder_takes_alphabetically_first_ann(tmp_path: Path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art_2016-09-08_flynn.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "art_2016-09-08_flynn_ef2d.ann").write_text("", "utf-8")
    (tmp_path / "attributions" / "art_2016-09-08_flynn_4b22.ann").write_text(ANN, "utf-8")
    assert article_name(Path("x_y_4b22.ann")) == "x_y"
    assert pick_ann_files(tmp_path)["art_2016-09-08_flynn"].name.endswith("_4b22.ann")
    (doc,) = read_brat_folder(tmp_path)
    assert doc.id == "art_2016-09-08_flynn" and len(doc.quotes) == 2


def test_missing_folder_is_a_coded_error(tmp_path: Path):
    with pytest.raises(ClaimtraceError) as info:
        read_brat_folder(tmp_path / "nope")
    assert info.value.code == "E401"


def test_real_polnear_dev_reads_with_expected_counts():
    dev = SHARED_DIR / "data" / "polnear" / "dev"
    require_shared(dev)
    docs = read_brat_folder(dev)
    quotes = [q for doc in docs for q in doc.quotes]
    assert len(docs) == 84
    assert len(quotes) == 2192  # attributions of the alphabetically first .ann per article
    assert sum(q.source is None for q in quotes) == 126
    for doc in docs[:5]:
        for quote in doc.quotes:
            assert all(0 <= s < e <= len(doc.text) for s, e in quote.fragments)
