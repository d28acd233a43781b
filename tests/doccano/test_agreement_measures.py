"""Agreement measures on inputs with known values (pure)."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from pipeline.doccano.agreement import (
    Copy,
    cohen_kappa,
    fleiss_kappa,
    span_agreement,
    stance_agreement,
)

# Fleiss (1971) style table as printed in most textbooks: 10 items, 14 raters, 5 categories;
# kappa = 0.210 (P-bar 0.378, P-e 0.213).
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_cohen_kappa_known_value_and_sklearn() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.70, pe 0.50, kappa 0.40
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))
    assert cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # chance agreement is 1


def test_fleiss_kappa_textbook_table() -> None:
    labels = "abcde"
    ratings = [[labels[j] for j, n in enumerate(row) for _ in range(n)] for row in FLEISS_TABLE]
    assert fleiss_kappa(ratings) == pytest.approx(0.2099, abs=1e-4)
    with pytest.raises(ValueError):
        fleiss_kappa([["a", "b"], ["a"]])


def test_fleiss_equals_scotts_pi_for_two_raters() -> None:
    first = ["f", "f", "a", "n", "n", "a", "f", "n"]
    second = ["f", "a", "a", "n", "f", "a", "f", "n"]
    pooled = first + second
    expected = sum((pooled.count(k) / len(pooled)) ** 2 for k in set(pooled))
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    scott = (observed - expected) / (1 - expected)
    assert fleiss_kappa([list(p) for p in zip(first, second, strict=True)]) == pytest.approx(scott)


def test_stance_agreement_picks_cohen_or_fleiss() -> None:
    two = stance_agreement(
        {
            "a": {1: "favor", 2: "against", 3: "neutral"},
            "b": {1: "favor", 2: "neutral", 3: "neutral"},
        }
    )
    assert two["measure"] == "cohen" and two["examples"] == 3
    assert two["kappa"] == pytest.approx(
        round(
            cohen_kappa_score(["favor", "against", "neutral"], ["favor", "neutral", "neutral"]), 4
        )
    )
    three = stance_agreement(
        {
            "a": {1: "favor", 2: "against", 3: "neutral", 4: "favor"},
            "b": {1: "favor", 2: "against", 3: "favor", 4: "favor"},
            "c": {1: "favor", 2: "neutral", 3: "neutral"},
        }
    )
    assert three["measure"] == "fleiss" and three["examples_rated_by_all"] == 3
    assert set(three["pairwise"]) == {"a~b", "a~c", "b~c"}


def test_span_f1_and_speaker_agreement() -> None:
    first = Copy(
        {1: ("QUOTE", 10, 20), 2: ("ACTOR", 0, 5), 3: ("QUOTE", 30, 40), 4: ("CUE", 6, 9)},
        [(2, 1, "SPEAKER_OF")],
    )
    second = Copy(
        {1: ("QUOTE", 10, 20), 2: ("ACTOR", 0, 5), 3: ("QUOTE", 30, 41), 5: ("ACTOR", 22, 25)},
        [(1, 2, "SPEAKER_OF")],  # drawn the other way round: same speaker
    )
    f1, speaker = span_agreement({"doc": {"a": first, "b": second}})
    assert f1["QUOTE"] == {"f1": 0.5, "matched": 1, "spans": 4}
    assert f1["ACTOR"] == {"f1": pytest.approx(0.6667, abs=1e-4), "matched": 1, "spans": 3}
    assert f1["CUE"] == {"f1": 0.0, "matched": 0, "spans": 1}
    assert f1["all"]["matched"] == 2 and f1["all"]["spans"] == 8
    assert speaker == {"agreement": 1.0, "quotes": 1}
