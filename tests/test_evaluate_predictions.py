"""Reading claimtrace records as predictions, and joining continuation quotes."""

import pytest

from pipeline.evaluate.items import PredDoc, PredQuote
from pipeline.evaluate.predictions import merge_continuations, record_to_pred

TEXT = '"We stay," she said. "We win."\n"New line."'


def quote(start: int, end: int, qtype: str = "direct", resolution: str | None = None) -> dict:
    speaker = None if resolution is None else {
        "mention": {"start": 11, "end": 14, "text": "she"}, "actor_id": "A1", "name": "Ann",
        "resolution": resolution}
    return {"id": "Q", "type": qtype, "start": start, "end": end, "text": TEXT[start:end],
            "cue": None, "speaker": speaker}


def test_record_to_pred_reads_speaker_and_error_records():
    pred = record_to_pred({"id": "a", "quotes": [quote(0, 10, resolution="cue_subject")]})
    assert pred.quotes[0].speaker_mention == (11, 14) and pred.quotes[0].speaker_name == "Ann"
    assert pred.quotes[0].resolution == "cue_subject"
    failed = record_to_pred({"id": "b", "error": {"code": "E009", "message": "", "hint": ""}})
    assert failed.quotes == [] and failed.error == "E009"


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        # Q2 continues Q1: one attribution with two fragments; Q3 stands alone
        ([None, "Q1", None], [[(0, 10), (21, 30)], [(31, 43)]]),
        # a chain Q3 -> Q2 -> Q1 joins all three
        ([None, "Q1", "Q2"], [[(0, 10), (21, 30), (31, 43)]]),
        # no links: every quote is scored on its own
        ([None, None, None], [[(0, 10)], [(21, 30)], [(31, 43)]]),
        # a link to an unknown id is ignored
        ([None, "Q9", None], [[(0, 10)], [(21, 30)], [(31, 43)]]),
    ],
)
def test_merge_continuations(links, expected):
    assert TEXT[31:43] == '"New line."' and TEXT[21:30] == '"We win."'
    spans = [(0, 10), (21, 30), (31, 43)]
    pred = PredDoc("a", [PredQuote([span], "direct", id=f"Q{k}", continues=link)
                         for k, (span, link) in enumerate(zip(spans, links, strict=True), 1)])
    merged = merge_continuations(pred, TEXT)
    assert [q.fragments for q in merged.quotes] == expected
    assert [q.fragments for q in pred.quotes] == [[s] for s in spans]  # input left unchanged
