"""Span overlap, exact matching and greedy one-to-one assignment."""

import pytest

from pipeline.evaluate.matching import (
    EXACT,
    is_exact,
    match,
    overlap_score,
    shared_chars,
    trimmed_fragments,
)

TEXT = 'He said: "We will stay, and we will win." Then he left.'
QUOTE = (9, 41)  # '"We will stay, and we will win."'


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ([(0, 10)], [(0, 10)], 1.0),
        ([(0, 10)], [(5, 15)], 0.5),
        ([(0, 10)], [(10, 20)], 0.0),  # touching is not overlapping
        ([(0, 4)], [(0, 10)], 0.4),  # pred inside gold: limited by gold coverage
        ([(0, 30)], [(0, 3), (20, 23)], 0.2),  # discontinuous gold: union of fragments
        ([(0, 3), (20, 23)], [(0, 3), (20, 23)], 1.0),
    ],
)
def test_overlap_score(pred, gold, expected):
    assert overlap_score(pred, gold) == pytest.approx(expected)


def test_shared_chars_merges_overlapping_fragments():
    assert shared_chars([(0, 10), (5, 15)], [(0, 20)]) == 15


@pytest.mark.parametrize(
    ("pred", "exact"),
    [
        (QUOTE, True),
        ((10, 40), True),  # without the quote marks
        ((10, 39), True),  # without marks and final period
        ((8, 41), True),  # leading space trimmed
        ((10, 38), False),  # a letter short
        ((3, 41), False),  # starts at "said:"
    ],
)
def test_exact_trims_whitespace_marks_and_punctuation(pred, exact):
    assert is_exact([pred], [QUOTE], TEXT) is exact


def test_trimmed_fragments_can_empty_a_span():
    assert trimmed_fragments([(7, 9)], TEXT) == []


@pytest.mark.parametrize(
    ("preds", "golds", "threshold", "expected"),
    [
        ([[(0, 10)]], [[(0, 10)]], 0.8, [(0, 0)]),
        ([[(0, 10)]], [[(0, 25)]], 0.8, []),  # covers only 40 % of gold
        ([[(0, 10)]], [[(0, 25)]], 0.3, [(0, 0)]),
        ([[(0, 10)]], [[(20, 30)]], 0.3, []),  # no overlap at all
        # one prediction cannot match two golds: the better overlap wins
        ([[(0, 20)]], [[(0, 10)], [(0, 18)]], 0.3, [(0, 1)]),
        # two predictions for one gold: only one is counted
        ([[(0, 10)], [(0, 9)]], [[(0, 10)]], 0.3, [(0, 0)]),
        # greedy by score: pred 1 takes gold 0 (score 1.0), pred 0 falls back to gold 1
        ([[(0, 12)], [(0, 10)]], [[(0, 10)], [(5, 12)]], 0.5, [(0, 1), (1, 0)]),
    ],
)
def test_match_is_one_to_one_and_greedy(preds, golds, threshold, expected):
    assert match(preds, golds, threshold) == expected


def test_exact_match_needs_text():
    assert match([[(10, 40)]], [[QUOTE]], EXACT, TEXT) == [(0, 0)]
    assert match([[(10, 30)]], [[QUOTE]], EXACT, TEXT) == []
