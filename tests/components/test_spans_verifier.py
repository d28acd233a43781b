"""The span verifier: its file, its features on a real parse, and its effect in the pipeline."""

import json

import numpy as np
import pytest

from pipeline.build import load_pipeline
from pipeline.components.spans.verify import FEATURES, Verifier, groups
from pipeline.errors import ClaimtraceError
from pipeline.paths import resolve
from pipeline.spans_training.data import AFTER_FEATURES
from pipeline.types import QuoteType

REPORTED = ("The mayor said that the bridge would reopen in May. Critics believe the plan "
            "is too expensive. “We will finish it,” the engineer said.")


def test_a_verifier_file_must_name_this_versions_features():
    good = Verifier(np.ones(len(FEATURES)), -1.0, 0.5).to_dict()
    assert Verifier.from_dict(good).threshold == 0.5
    bad = dict(good, features=[*FEATURES[:-1], "something_else"])
    with pytest.raises(ValueError, match="something_else"):
        Verifier.from_dict(bad)


def test_scores_rise_with_a_positively_weighted_feature():
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("p_content")] = 4.0
    verifier = Verifier(weights, -2.0, 0.5)
    rows = np.zeros((2, len(FEATURES)))
    rows[1, FEATURES.index("p_content")] = 1.0
    low, high = verifier.scores(rows)
    assert low < 0.5 < high


def test_fragments_of_one_tagged_group_are_judged_together_and_quotes_not_at_all():
    types = [QuoteType.INDIRECT, QuoteType.DIRECT, QuoteType.INDIRECT, QuoteType.INDIRECT,
             QuoteType.MIXED]
    assert groups(types, [None, 1, 2, 2, 3]) == [[0], [2, 3]]


def test_the_shipped_verifier_reads_and_describes_reported_speech(nlp):
    spans = nlp.get_pipe("spans")
    assert spans.verifier is not None
    saved = json.loads(resolve("models/spans/verifier.json").read_text(encoding="utf-8"))
    assert saved["features"] == list(FEATURES) and saved["dev_auc"] > 0.75
    with nlp.select_pipes(disable=[p for p in AFTER_FEATURES if p in nlp.pipe_names]):
        doc = nlp(REPORTED)
    ((doc, index, merged, probs),) = list(spans.candidates([doc]))
    found, rows = spans.verifier_rows(doc, index, merged, probs)
    said = next(r for members, r in zip(found, rows, strict=True)
                if "the bridge" in merged[members[0]].quote.content.text)
    feature = dict(zip(FEATURES, said, strict=True))
    assert feature["has_cue"] == 1 and feature["how_syntax"] == 1
    assert feature["subject_noun"] == 1 and feature["root_under_cue"] == 1
    assert 0 < feature["p_content"] <= 1 and feature["cue_known"] == 1


def test_min_verified_decides_which_reported_speech_stays():
    keep_all = load_pipeline(overrides={"components.spans.min_verified": 0.0},
                             exclude=["stance"])
    keep_none = load_pipeline(overrides={"components.spans.min_verified": 1.0},
                              exclude=["stance"])
    types = {name: [q.type for q in p(REPORTED)._.quotes]
             for name, p in (("all", keep_all), ("none", keep_none))}
    assert QuoteType.INDIRECT in types["all"]
    assert QuoteType.INDIRECT not in types["none"] and QuoteType.DIRECT in types["none"]


def test_an_unreadable_verifier_is_a_coded_error(tmp_path):
    path = tmp_path / "verifier.json"
    path.write_text(json.dumps({"features": ["x"], "weights": [1], "bias": 0,
                                "threshold": 0.5}), encoding="utf-8")
    with pytest.raises(ClaimtraceError, match="E164"):
        load_pipeline(overrides={"components.spans.verifier": str(path)}, exclude=["stance"])


def test_a_missing_verifier_file_is_a_coded_error_when_a_document_needs_it(tmp_path):
    nlp = load_pipeline(overrides={"components.spans.verifier": str(tmp_path / "none.json")},
                        exclude=["stance"])
    with pytest.raises(ClaimtraceError, match="E164"):
        nlp(REPORTED)


def test_a_saved_pipeline_carries_its_verifier(nlp, tmp_path):
    nlp.to_disk(tmp_path / "saved")
    saved = (tmp_path / "saved" / "spans" / "verifier.json").read_text(encoding="utf-8")
    assert json.loads(saved)["features"] == list(FEATURES)
