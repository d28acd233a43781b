"""The stance component's cascade (gate -> first pass -> cross-encoder), its "only when
asked" rule and batch independence, with the shipped model on hand-built Docs."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import spacy
import stance_helpers  # noqa: F401  (sets the offline environment first)
from stance_helpers import doc_with_claim_texts

from pipeline.extensions import register_extensions
from pipeline.paths import REPO_ROOT
from pipeline.record import doc_to_record, validate_record
from pipeline.stance.component import StanceComponent
from pipeline.stance.firstpass import FILE, FirstPass

MODEL_DIR = REPO_ROOT / "models" / "stance"
UKRAINE = "South Korea supplying weapons to Ukraine"
TEXT = ("“Seoul must send weapons to Ukraine to help it defend itself,” said Yang Mu-jin. "
        "“The festival sold all its tickets,” said Ann Lee. "
        "“Arming Kyiv would drag us into a war that is not ours,” said Kim Su.")
CLAIMS = ["Seoul must send weapons to Ukraine to help it defend itself",
          "The festival sold all its tickets",
          "Arming Kyiv would drag us into a war that is not ours"]
PROVENANCE = {"package": "claimtrace", "version": "test", "config_hash": "sha256:0",
              "spacy_model": "blank", "spacy_model_version": "0", "stance_model": "m"}


@pytest.fixture(scope="module")
def blank_nlp():
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def claim_doc(nlp, text: str = TEXT, claims: list[str] = CLAIMS, targets=None):
    doc = doc_with_claim_texts(nlp, text, claims)
    doc._.actors = []
    doc._.stance_targets = targets
    return doc


def test_no_target_means_no_stance_work_and_no_model(blank_nlp):
    doc = claim_doc(blank_nlp)
    comp = StanceComponent([], model="models/does-not-exist",
                           relevance_model="models/does-not-exist-either")
    comp(doc)  # neither missing model is loaded: nothing was asked for
    assert all(c.stance is None and c.actor_stance is None for c in doc._.claims)


def test_every_entry_says_which_stage_decided(blank_nlp):
    doc = claim_doc(blank_nlp)
    StanceComponent([UKRAINE], first_pass=False)(doc)
    on, off, against = (c.stance[0] for c in doc._.claims)
    assert off.method == "gate" and off.gated and off.label == "neutral"
    assert on.method == against.method == "cross-encoder"
    assert abs(sum(on.scores.values()) - 1) < 1e-4 and on.score == max(on.scores.values())
    record = doc_to_record(doc, "d", provenance=PROVENANCE)
    assert [c["stance"][0]["method"] for c in record["claims"]] == [
        "cross-encoder", "gate", "cross-encoder"]
    assert validate_record(record) == []


def test_a_confident_first_pass_answers_without_the_cross_encoder(blank_nlp, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    dims = 384 * 4
    weights = np.zeros((dims, 3), dtype=np.float32)
    FirstPass(weights, np.array([0.0, 0.0, 9.0], dtype=np.float32), threshold=0.9).save(model)
    assert (model / FILE).exists()
    doc = claim_doc(blank_nlp)
    comp = StanceComponent([UKRAINE], model=str(model))
    comp(doc)
    on, off, against = (c.stance[0] for c in doc._.claims)
    assert off.method == "gate"
    assert on.method == against.method == "first-pass" and on.label == "neutral"
    assert on.score > 0.99 and on.relevance >= comp.relevance_threshold
    unsure = tmp_path / "unsure"
    shutil.copytree(model, unsure)
    FirstPass(weights, np.zeros(3, dtype=np.float32), threshold=0.9).save(unsure)
    doc = claim_doc(blank_nlp)
    StanceComponent([UKRAINE], model=str(unsure))(doc)
    assert [c.stance[0].method for c in doc._.claims] == ["cross-encoder", "gate",
                                                         "cross-encoder"]


def test_an_articles_scores_do_not_depend_on_its_batch_neighbours(blank_nlp):
    comp = StanceComponent([UKRAINE, "Vaccination should be compulsory"], first_pass=False)
    alone = claim_doc(blank_nlp)
    comp(alone)
    crowd = [claim_doc(blank_nlp, "“Taxes must fall now,” said Ann Lee.",
                       ["Taxes must fall now"], targets=["Taxes should be cut"]),
             claim_doc(blank_nlp),
             claim_doc(blank_nlp, CLAIMS[2] + ".", [CLAIMS[2]])]
    out = list(comp.pipe(crowd, batch_size=3))
    assert doc_to_record(out[1], "d", provenance=PROVENANCE) == doc_to_record(
        alone, "d", provenance=PROVENANCE)
