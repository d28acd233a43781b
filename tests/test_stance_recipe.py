"""The stance training recipe: topic-split loaders, augmentations, calibration and the
challenge set file (no trained model needed)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import stance_helpers  # noqa: F401  (sets the offline environment first)
import torch
from stance_helpers import DEBATER, require_shared

from pipeline.paths import REPO_ROOT
from pipeline.stance import augment, challenge, data, debater
from pipeline.stance.calibrate import (
    choose_neutral_threshold,
    expected_calibration_error,
    fit_temperature,
)
from pipeline.stance.model import Calibration, decide
from pipeline.stance.trainset import drop_dev_topics

DEV_TOPICS = [442, 621, 803, 881, 942, 987, 1065]


def test_claim_stance_split_is_by_topic_and_complete():
    require_shared()
    train = debater.claim_stance_examples(DEBATER, DEV_TOPICS, "train")
    dev = debater.claim_stance_examples(DEBATER, DEV_TOPICS, "dev")
    assert len(train) + len(dev) == 1037
    assert not {e["topic"] for e in train} & {e["topic"] for e in dev}
    assert {int(e["topic"]) for e in dev} == set(DEV_TOPICS)
    assert set(Counter(e["label"] for e in dev)) == {0, 1}


def test_argkp_dev_topics_are_official_and_unseen():
    require_shared()
    train = debater.argkp_examples(DEBATER, "train")
    dev = debater.argkp_examples(DEBATER, "dev", key_points=False)
    assert len(dev) == 932 and len({e["topic"] for e in dev}) == 4
    assert not {e["topic"] for e in train} & {e["topic"] for e in dev}
    assert {e["source"] for e in train} == {"argkp-arguments", "argkp-key_points"}


def test_training_targets_close_to_a_dev_topic_are_dropped():
    examples = [{"task": "stance", "target": t, "text": "x", "label": 0}
                for t in ("Ban guns", "Tax sugar", "Ban guns")]

    def similarity(rows, cols):  # a stand-in cosine: 1 for the same first word
        return [[1.0 if r.split()[0] == c.split()[0] else 0.0 for c in cols] for r in rows]

    kept, dropped = drop_dev_topics(examples, ["Ban handguns"], 0.65, similarity)
    assert dropped == ["Ban guns"] and [e["target"] for e in kept] == ["Tax sugar"]


@pytest.mark.parametrize("target, negated, gerund", [
    ("We should abandon marriage", "We should not abandon marriage", "Abandoning marriage"),
    ("Homeschooling should be banned", "Homeschooling should not be banned",
     "Banning homeschooling"),
    ("Build hydroelectric dams", "Do not build hydroelectric dams",
     "Building hydroelectric dams"),
    ("States should not subsidize the growing of tobacco",
     "States should subsidize the growing of tobacco", None),
    ("Advertising is harmful", "Advertising is not harmful", None),
    ("All nations have a right to nuclear weapons",
     "All nations do not have a right to nuclear weapons", None),
    ("The use of truth and reconciliation commissions", None, None),
])
def test_target_negation_and_gerund_rules(target, negated, gerund):
    assert augment.negate_target(target) == negated
    assert augment.gerund_target(target) == gerund


def test_ing_spelling():
    assert [augment._ing(v) for v in ("ban", "legalize", "die", "abolish", "open", "be",
                                      "free", "stop")] == [
        "banning", "legalizing", "dying", "abolishing", "opening", "being", "freeing",
        "stopping"]


def _pairs():
    favor = ["a ban would protect children", "it saves lives"]
    against = ["a ban limits freedom", "it costs jobs"]
    return ([{"task": "stance", "target": "Guns should be banned", "text": t, "label": 0,
              "source": "s"} for t in favor]
            + [{"task": "stance", "target": "Guns should be banned", "text": t, "label": 1,
                "source": "s"} for t in against])


def test_augmentations_keep_labels_consistent_and_are_deterministic():
    flipped = augment.negated_targets(_pairs(), 1.0, seed=1)
    assert {e["target"] for e in flipped} == {"Guns should not be banned"}
    assert [e["label"] for e in flipped] == [1, 1, 0, 0]
    framed = augment.discourse_frames(_pairs(), 40, seed=1)
    assert framed == augment.discourse_frames(_pairs(), 40, seed=1)
    by_kind = {e["source"]: e for e in framed}
    assert by_kind["aug-report"]["label"] == augment.NEUTRAL
    for e in framed:
        inner_label = next(p["label"] for p in _pairs() if p["text"] in e["text"]
                           and (e["source"] not in ("aug-contrast", "aug-concession")
                                or e["text"].rstrip(".").endswith(p["text"])))
        want = {"aug-report": augment.NEUTRAL,
                "aug-negate": augment.FLIP[inner_label]}.get(e["source"], inner_label)
        assert e["label"] == want, e
    neutrals = augment.topic_neutrals(["Guns should be banned"], 3, seed=1)
    assert len(neutrals) == 3 and all("guns" in e["text"].lower() for e in neutrals)


def test_factual_frames_give_one_text_per_label_for_each_sentence():
    rows = augment.factual_frames(["The council approved the new budget on Tuesday.",
                                   "I love this!"], 5, seed=3)
    assert [e["label"] for e in rows] == [0, 1, 2]
    assert {e["target"] for e in rows} == {"The council approved the new budget on Tuesday"}
    assert all("the council approved the new budget on Tuesday" in e["text"] for e in rows)


def test_temperature_recovers_a_known_scale():
    torch.manual_seed(0)
    true_logits = torch.randn(4000, 3) * 2
    labels = torch.distributions.Categorical(logits=true_logits).sample().tolist()
    fitted = fit_temperature(true_logits * 3.0, labels)  # overconfident by a factor of 3
    assert 2.6 < fitted < 3.4


def test_expected_calibration_error_on_known_inputs():
    assert expected_calibration_error([[0.9, 0.1, 0.0]] * 10, [0] * 9 + [1]) == pytest.approx(0.0)
    assert expected_calibration_error([[0.9, 0.1, 0.0]] * 10, [1] * 10) == pytest.approx(0.9)
    assert expected_calibration_error([[0.6, 0.4, 0.0]] * 10, [0] * 8 + [1] * 2
                                      ) == pytest.approx(0.2)


def test_neutral_threshold_abstains_on_unsure_pairs():
    cal = Calibration(neutral_threshold=0.6)
    assert decide([0.55, 0.40, 0.05], "stance", cal) == 2
    assert decide([0.70, 0.20, 0.10], "stance", cal) == 0
    assert decide([0.55, 0.40, 0.05], "actor", cal) == 0  # the rule is for stance only
    probs = [[0.55, 0.4, 0.05], [0.9, 0.05, 0.05], [0.45, 0.5, 0.05], [0.1, 0.85, 0.05]]
    threshold, table = choose_neutral_threshold([(probs, [2, 0, 2, 1])])
    assert 0.55 < threshold <= 0.85 and table[threshold] == 1.0
    assert table[0.0] < 1.0


def test_challenge_set_is_complete_and_well_formed():
    rows = [json.loads(line) for line in
            (REPO_ROOT / challenge.CHALLENGE_PATH).read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150 and len({r["id"] for r in rows}) == len(rows)
    counts = Counter(r["category"] for r in rows)
    assert set(counts) == {"negation", "confirm_deny", "hedging", "attributed", "concession",
                           "paraphrase", "same_topic_neutral", "other_topic_neutral", "actor"}
    assert min(counts.values()) >= 15
    for r in rows:
        if r["task"] == "actor":
            start, end = r["mention"]
            assert r["text"][start:end].lower() == r["target"].lower(), r
    examples = challenge.challenge_examples()
    assert len(examples) == len(rows)
    result = challenge.category_accuracy(examples, [e["label"] for e in examples])
    assert result["overall"]["accuracy"] == 1.0 and not result["overall"]["errors"]


def test_paraphrase_frames_restate_and_frame_the_paraphrase():
    groups = [["Nuclear plants are safe.", "Reactors pose little danger."],
              ["Taxes are too high", "People pay too much tax"]]
    rows = augment.paraphrase_frames(groups, 5, seed=2)
    assert len(rows) == 4
    plain = [r for r in rows if r["source"] == "aug-paraphrase"]
    assert len(plain) == 2 and all(r["label"] == augment.FAVOR for r in plain)
    for r in rows:
        assert r["target"] != r["text"] and not r["target"].endswith(".")
        want = {"aug-paraphrase": 0, "aug-paraphrase-confirm": 0, "aug-paraphrase-deny": 1,
                "aug-paraphrase-hedge": 2}[r["source"]]
        assert r["label"] == want


def test_paraphrase_groups_come_with_their_claim():
    require_shared()
    groups = data.perspectrum_paraphrases(stance_helpers.PERSPECTRUM, "train")
    assert len(groups) > 1000
    claim, group = groups[0]
    assert isinstance(claim, str) and len(group) >= 2 and len(set(group)) == len(group)
