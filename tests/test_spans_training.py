"""The span tagger's training path: the held-out slice stays out, `claimtrace spans data`
writes features and tags but no text, `claimtrace spans train` writes a model folder that
the pipeline loads (config key components.spans.model), and a missing model is E160."""

import json

import numpy as np
import pytest
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
