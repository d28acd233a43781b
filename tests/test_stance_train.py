"""Training smoke run and the evaluate command on a small slice (real data, real model)."""

from __future__ import annotations

import json

import pytest
from stance_helpers import require_shared
from typer.testing import CliRunner

from pipeline.stance.cli import app
from pipeline.stance.model import load_model

SMALL_AUGMENT = [arg for key, value in (
    ("factual_sentences", 8), ("off_topic_neutrals", 8), ("paraphrase_groups", 8),
    ("discourse_per_target", 1), ("topic_neutrals_per_target", 1))
    for arg in ("--set", f"augment.{key}={value}")]


@pytest.mark.slow
@pytest.mark.parametrize("finetune, weights", [("full", "weights.safetensors"),
                                               ("lora", "adapter_model.safetensors")])
def test_training_smoke_run_writes_a_loadable_calibrated_model(tmp_path, finetune, weights):
    require_shared()
    out = tmp_path / "stance"
    result = CliRunner().invoke(app, [
        "train", "--config", "configs/stance.cfg", "--output", str(out),
        "--set", "training.max_steps=3", "--set", "training.epochs=1",
        "--set", f"model.finetune={finetune}",
        "--set", "data.max_examples_per_source=24", "--set", "training.dev_limit=12",
        *SMALL_AUGMENT])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "training.json").read_text())
    assert meta["steps"] == 3 and meta["seed"] == 13 and meta["finetune"] == finetune
    assert meta["training_pairs"]["newsmtsc"] and meta["history"][0]["dev"]
    assert {"claim-stance", "argkp-arguments", "aug-deny"} <= set(meta["training_pairs"])
    assert all(v.startswith("sha256:") for v in meta["data_hashes"].values())
    assert (out / "README.md").exists() and (out / weights).exists()
    assert meta["calibration"]["temperature"]["stance"] > 0
    assert (out / "firstpass.npz").exists() and "threshold" in meta["first_pass"]
    assert (out / "firstpass-actor.npz").exists() and "threshold" in meta["first_pass_actor"]
    probs = load_model(out, bf16=False).score([{"target": "a", "text": "b"}])
    assert len(probs[0]) == 3 and abs(sum(probs[0]) - 1) < 1e-4


@pytest.mark.slow
def test_evaluate_command_prints_every_row_side_by_side(tmp_path):
    require_shared()
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(app, ["evaluate", "--limit", "30", "--train-limit", "400",
                                      "--json", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("perspectrum-test", "perspectrum+neutral-test", "newsmtsc-rw-test",
                 "claim-stance", "argkp", "mechanics", "challenge", "overall", "ECE"):
        assert name in result.output, name
    data = json.loads(out.read_text())
    rows = data["sets"]
    # 6 sets + the challenge set + "+ relevance gate" rows for the 3-class sets and the challenge
    assert len(rows) == 10
    gated = next(row for name, row in rows.items() if name.endswith("+ relevance gate"))
    assert 0.5 < gated["gate"]["labelled_kept"] <= 1 and 0 <= gated["gate"]["neutral_gated"] <= 1
    assert set(data["challenge"]) == {"model", "model + gate"}
    for name, row in rows.items():
        assert row["n"] == (180 if name.startswith("challenge") else 30)
        assert {"majority", "tfidf_lr", "model"} <= set(row) and 0 <= row["ece"] <= 1
        # The majority baseline is a real floor: the model beats it on each slice.
        assert row["model"]["macro_f1"] > row["majority"]["macro_f1"], name


def test_bad_config_is_a_coded_error(tmp_path):
    bad = tmp_path / "bad.cfg"
    bad.write_text("[paths]\nperspectrum = \"x\"\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "--config", str(bad)])
    assert result.exit_code == 1 and "E206" in result.output
    result = CliRunner().invoke(app, ["evaluate", "--config", str(tmp_path / "none.cfg")])
    assert result.exit_code == 1 and "E101" in result.output


def test_recorded_evaluate_command_leaves_out_the_json_output_path():
    from pipeline.stance.cli import _reproducing_command

    assert _reproducing_command(["--record", "--json", "/tmp/x.json", "--split", "dev"]) == (
        "claimtrace stance evaluate --record --split dev")
    assert _reproducing_command(["--json=/tmp/x.json"]) == "claimtrace stance evaluate"
