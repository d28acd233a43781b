"""P/R/F1 per subset, cue/speaker/name accuracy and negatives, on hand-made predictions."""

import pytest

from pipeline.evaluate.items import GoldDoc, GoldNegative, GoldQuote, PredDoc, PredQuote
from pipeline.evaluate.metrics import evaluate_docs, name_matches, prf

#       0         1         2         3         4         5         6         7         8
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678901234
TEXT = ('"We will stay," said Ann Lee. Bob Day said that costs rose. '
        'It is a "bet" they make.')
DIRECT = (0, 15)      # '"We will stay,"'
CUE_SAID = (16, 20)   # 'said'
ANN = (21, 28)        # 'Ann Lee'
INDIRECT = (48, 58)   # 'costs rose'
BOB = (30, 37)        # 'Bob Day'
BOB_SAID = (38, 42)
SCARE = (68, 73)      # '"bet"'


def gold_doc() -> GoldDoc:
    return GoldDoc(
        id="d1", text=TEXT,
        quotes=[
            GoldQuote([DIRECT], "direct", cue=[CUE_SAID], source=[ANN], name="Ann Lee",
                      has_quote_mark=True),
            GoldQuote([INDIRECT], "indirect", cue=[BOB_SAID], source=[BOB], name="Bob Day"),
        ],
        negatives=[GoldNegative(*SCARE, "scare_quote")],
    )


def test_spans_are_what_the_comments_say():
    assert TEXT[DIRECT[0]:DIRECT[1]] == '"We will stay,"'
    assert TEXT[INDIRECT[0]:INDIRECT[1]] == "costs rose"
    assert TEXT[SCARE[0]:SCARE[1]] == '"bet"'
    assert TEXT[ANN[0]:ANN[1]] == "Ann Lee" and TEXT[BOB[0]:BOB[1]] == "Bob Day"


@pytest.mark.parametrize(
    ("tp", "n_pred", "n_gold", "p", "r", "f1"),
    [(1, 2, 4, 0.5, 0.25, 1 / 3), (0, 0, 3, 0.0, 0.0, 0.0), (0, 2, 0, 0.0, 0.0, 0.0),
     (3, 3, 3, 1.0, 1.0, 1.0)],
)
def test_prf(tp, n_pred, n_gold, p, r, f1):
    scores = prf(tp, n_pred, n_gold)
    assert (scores["precision"], scores["recall"]) == (pytest.approx(p), pytest.approx(r))
    assert scores["f1"] == pytest.approx(f1)


def test_perfect_predictions_score_one_everywhere():
    pred = PredDoc("d1", [
        PredQuote([DIRECT], "direct", CUE_SAID, ANN, "ann lee"),  # name case-insensitive
        PredQuote([INDIRECT], "indirect", BOB_SAID, BOB, "Bob Day"),
    ])
    result = evaluate_docs([gold_doc()], {"d1": pred})
    for subset in ("all", "quoted", "direct", "indirect"):
        scores = result["subsets"][subset]
        assert scores["exact"]["f1"] == 1.0, subset
        assert scores["0.3"]["f1"] == 1.0, subset
        assert scores["speaker_accuracy"]["accuracy"] == 1.0
        assert scores["name_accuracy"]["accuracy"] == 1.0
        assert scores["cue_accuracy"]["accuracy"] == 1.0
    assert result["subsets"]["mixed"]["n_gold"] == 0
    assert result["negatives"] == {"total": 1, "output_as_quote": 0, "items": []}


def test_wrong_speaker_wrong_type_and_scare_quote_are_counted():
    pred = PredDoc("d1", [
        PredQuote([(1, 13)], "direct", None, BOB, "Bob Day"),      # inner text, wrong speaker
        PredQuote([INDIRECT], "direct", BOB_SAID, None, None),     # wrong type, no speaker
        PredQuote([SCARE], "direct", None, None, None),            # scare quote output
    ])
    result = evaluate_docs([gold_doc()], {"d1": pred})
    all_ = result["subsets"]["all"]
    assert (all_["n_gold"], all_["n_pred"]) == (2, 3)
    assert all_["0.3"]["tp"] == 2 and all_["exact"]["tp"] == 2
    assert all_["speaker_accuracy"] == {"correct": 0, "total": 2, "accuracy": 0.0}
    assert all_["cue_accuracy"]["correct"] == 1
    # the indirect gold is not found among predicted indirect quotes
    assert result["subsets"]["indirect"]["0.3"]["recall"] == 0.0
    # quoted subset: 1 gold with marks vs 3 direct predictions
    assert result["subsets"]["quoted"]["0.3"]["precision"] == pytest.approx(1 / 3)
    assert result["negatives"]["output_as_quote"] == 1
    doc = result["per_document"][0]
    assert doc["wrong_speaker"][0]["gold"] == "Ann Lee"
    assert [s["text"] for s in doc["spurious"]] == ['"bet"']


def test_missing_prediction_counts_as_empty():
    result = evaluate_docs([gold_doc()], {})
    assert result["prediction_errors"] == 1
    assert result["subsets"]["all"]["0.3"]["recall"] == 0.0
    assert result["subsets"]["all"]["speaker_accuracy"]["accuracy"] is None


def test_gold_without_source_is_left_out_of_speaker_accuracy():
    gold = GoldDoc("d2", TEXT, [GoldQuote([INDIRECT], "indirect")])
    pred = PredDoc("d2", [PredQuote([INDIRECT], "indirect")])
    scores = evaluate_docs([gold], {"d2": pred})["subsets"]["all"]
    assert scores["0.3"]["f1"] == 1.0
    assert scores["speaker_accuracy"]["total"] == 0
    assert scores["cue_accuracy"]["total"] == 0


@pytest.mark.parametrize(
    ("pred", "name", "aliases", "ok"),
    [("Ann Lee", "Ann Lee", [], True), ("ANN  LEE", "Ann Lee", [], True),
     ("the Chamber", "Chamber", [], True), ("Lee", "Ann Lee", [], False),
     (None, "Ann Lee", [], False), ("NSC", "National Security Council", ["NSC"], True)],
)
def test_name_matches(pred, name, aliases, ok):
    gold = GoldQuote([(0, 1)], "direct", name=name, aliases=aliases)
    assert name_matches(pred, gold) is ok
