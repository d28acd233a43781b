"""The span tagger's training path: the held-out slice stays out, `claimtrace spans data`
writes features and tags but no text, `claimtrace spans train` writes a model folder that
the pipeline loads (config key components.spans.model), and a missing model is E160."""

import json
import shutil

import numpy as np
import pytest
import spacy
from shared_data import require_shared
from typer.testing import CliRunner

from pipeline.build import load_pipeline
from pipeline.cli import app
from pipeline.errors import ClaimtraceError
from pipeline.evaluate.items import GoldDoc
from pipeline.paths import REPO_ROOT, SHARED_DIR
from pipeline.spans_training.data import held_out_docs, training_docs

runner = CliRunner()


def test_the_held_out_slice_is_every_sixth_article_and_never_trained_on():
    docs = [GoldDoc(id=f"a{k:02d}", text="", quotes=[]) for k in reversed(range(13))]
    held = [d.id for d in held_out_docs(docs)]
    assert held == ["a00", "a06", "a12"]
    assert not set(held) & {d.id for d in training_docs(docs)}
    assert len(training_docs(docs)) == 10


def test_a_missing_model_folder_is_a_coded_error_when_a_document_needs_it(tmp_path):
    nlp = load_pipeline(overrides={"components.spans.model": str(tmp_path / "none")},
                        exclude=["stance"])
    with pytest.raises(ClaimtraceError) as info:
        nlp("Ann Lee said that taxes would rise.")
    assert info.value.code == "E160" and "none" in str(info.value)


def test_a_missing_ensemble_member_is_a_coded_error_when_a_document_needs_it(tmp_path):
    nlp = load_pipeline(overrides={"components.spans.ensemble": [str(tmp_path / "gone")]},
                        exclude=["stance"])
    with pytest.raises(ClaimtraceError) as info:
        nlp("Ann Lee said that taxes would rise.")
    assert info.value.code == "E160" and "gone" in str(info.value)


def test_an_ensemble_member_with_other_tags_is_E161(tmp_path):
    member = tmp_path / "member"
    shutil.copytree(REPO_ROOT / "models" / "spans", member)
    config = json.loads((member / "config.json").read_text(encoding="utf-8"))
    config["labels"] = list(reversed(config["labels"]))
    (member / "config.json").write_text(json.dumps(config), encoding="utf-8")
    nlp = load_pipeline(overrides={"components.spans.ensemble": [str(member)]},
                        exclude=["stance"])
    with pytest.raises(ClaimtraceError) as info:
        nlp("Ann Lee said that taxes would rise.")
    assert info.value.code == "E161" and "member" in str(info.value)


def test_the_shipped_model_has_its_card_and_fits_the_size_limit():
    folder = REPO_ROOT / "models" / "spans"
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 25 * 2**20
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "PolNeAR" in card and "no article text" in card.lower()
    facts = json.loads((folder / "training.json").read_text(encoding="utf-8"))
    assert facts["held_out_every"] == 6 and facts["dev"]["C"]["f1"] > 0.5


@pytest.mark.slow
@pytest.mark.parametrize("vectors", ["--no-word-vectors", "--word-vectors"])
def test_spans_data_and_train_make_a_model_the_pipeline_runs_with(tmp_path, vectors):
    polnear = require_shared(SHARED_DIR / "data" / "polnear")
    data, model = tmp_path / "data", tmp_path / "model"
    result = runner.invoke(app, ["spans", "data", "--train", str(polnear / "train"), "--dev",
                                 str(polnear / "dev"), "--out", str(data), "--limit", "3",
                                 vectors])
    assert result.exit_code == 0, result.output
    with np.load(data / "train.npz", allow_pickle=False) as arrays:
        assert all(arrays[k].dtype.kind in "iuf" for k in arrays.files)  # numbers, no text
        assert arrays["tags"].max() > 0  # some content, cue or source tags
    result = runner.invoke(app, ["spans", "train", "--data", str(data), "--out", str(model),
                                 "--epochs", "1", "--patience", "2", "--seed", "5"])
    assert result.exit_code == 0, result.output
    facts = json.loads((model / "training.json").read_text(encoding="utf-8"))
    assert facts["train_articles"] == 3 and facts["best_epoch"] == 1
    assert facts["settings"]["patience"] == 2 and facts["settings"]["seed"] == 5
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    width = 384 if vectors == "--word-vectors" else 0
    assert config["dense_width"] == 96 + width
    assert (config["word_vectors"] or {}).get("width", 0) == width
    nlp = load_pipeline(overrides={"components.spans.model": str(model)}, exclude=["stance"])
    doc = nlp("Ann Lee said that taxes would rise next year.")
    assert doc._.quotes is not None


def test_spans_train_without_data_is_E162(tmp_path):
    result = runner.invoke(app, ["spans", "train", "--data", str(tmp_path), "--out",
                                 str(tmp_path / "m")])
    assert result.exit_code == 2 and "E162" in result.output


@pytest.mark.slow
def test_a_student_learns_from_teachers_and_an_ensemble_survives_saving(tmp_path):
    """Distillation (`spans train --teacher --drop-word-vectors`) makes a tagger without word
    vectors from data built with them; the pipeline runs the student with the teacher as
    its ensemble, and `nlp.to_disk` keeps both taggers."""
    polnear = require_shared(SHARED_DIR / "data" / "polnear")
    data, teacher, student = tmp_path / "data", tmp_path / "teacher", tmp_path / "student"
    result = runner.invoke(app, ["spans", "data", "--train", str(polnear / "train"), "--dev",
                                 str(polnear / "dev"), "--out", str(data), "--limit", "3",
                                 "--word-vectors"])
    assert result.exit_code == 0, result.output
    common = ["--data", str(data), "--epochs", "1", "--patience", "1"]
    result = runner.invoke(app, ["spans", "train", *common, "--out", str(teacher)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["spans", "train", *common, "--out", str(student), "--teacher",
                                 str(teacher), "--soft-weight", "0.7", "--drop-word-vectors"])
    assert result.exit_code == 0, result.output
    config = json.loads((student / "config.json").read_text(encoding="utf-8"))
    assert config["dense_width"] == 96 and config["word_vectors"] is None
    facts = json.loads((student / "training.json").read_text(encoding="utf-8"))
    assert facts["settings"]["soft_weight"] == 0.7 and facts["teachers"] == [str(teacher)]

    text = "Ann Lee said that taxes would rise next year. Critics fear the plan will fail."
    nlp = load_pipeline(overrides={"components.spans.model": str(student),
                                   "components.spans.ensemble": [str(teacher)]},
                        exclude=["stance"])
    spans = nlp.get_pipe("spans")
    assert [t.config["dense_width"] for t in spans._members()] == [96, 96 + 384]
    doc = nlp(text)
    before = [(s.start_char, s.end_char, s.label_) for s in doc.spans["quotes"]]
    assert before
    nlp.to_disk(tmp_path / "saved")
    assert (tmp_path / "saved" / "spans" / "ensemble-1" / "config.json").is_file()
    shutil.rmtree(teacher)  # the saved pipeline carries its own copy
    loaded = spacy.load(tmp_path / "saved")
    assert len(loaded.get_pipe("spans")._members()) == 2
    doc = loaded(text)
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["quotes"]] == before


def test_the_accurate_profile_is_the_default_with_the_shipped_ensemble():
    """configs/accurate.cfg may differ from configs/default.cfg only in the span tagger's
    ensemble, the two merge settings chosen for it and its verifier (fitted on the ensemble's
    proposals, with its threshold); its taggers ship with a card."""
    default, accurate = (spacy.util.load_config(REPO_ROOT / "configs" / name, interpolate=False)
                         for name in ("default.cfg", "accurate.cfg"))
    changed = {"ensemble", "outside_bias", "min_confidence", "verifier", "min_verified"}
    members = accurate["components"]["spans"]["ensemble"]
    assert default["components"]["spans"]["ensemble"] == [] and len(members) == 2
    for config in (default, accurate):
        for key in changed:
            del config["components"]["spans"][key]
    assert default == accurate
    for member in members:
        folder = REPO_ROOT / member
        assert (folder / "weights.npz").is_file()
        assert json.loads((folder / "config.json").read_text(encoding="utf-8"))["word_vectors"]
    card = (REPO_ROOT / "models" / "spans-ensemble" / "README.md").read_text(encoding="utf-8")
    assert "PolNeAR" in card and "no article text" in card.lower()
    size = sum(p.stat().st_size for p in (REPO_ROOT / "models" / "spans-ensemble").rglob("*"))
    assert size < 25 * 2**20
