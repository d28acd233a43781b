"""Retraining from the correction loop: stance labels confirmed in a real doccano server, pulled
as gold, continue training the shipped model, and that target's held-out score rises."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.paths import REPO_ROOT
from pipeline.stance import data, debater, sets
from pipeline.stance.cli import app
from pipeline.stance.model import load_model
from tests.shared_data import require_shared
from tests.stance_helpers import DEBATER

from .helpers import annotator, confirm, pull, push, set_stance, stance_examples
from .records import article

pytestmark = [pytest.mark.doccano, pytest.mark.slow]
# An IBM ArgKP dev topic (never trained on) where the shipped model is weakest: held-out macro-F1
# 0.76 against 0.87-0.97 on the other three dev topics.
TARGET = "We should abandon the use of school uniform"
CORRECTED = 50
PER_ARTICLE = 10


def _records(claims: list[dict], target: str) -> list[dict]:
    """Claims as quotes in small articles, with a machine stance the annotator will fix."""
    records = []
    for lo in range(0, len(claims), PER_ARTICLE):
        part = claims[lo: lo + PER_ARTICLE]
        text = " ".join(f"“{c['text']},” said Ann Lee." for c in part)
        record = article(f"retrain-{lo // PER_ARTICLE}", text,
                         [{"quote": c["text"], "cue": "said", "speaker": "Ann Lee",
                           "cue_nth": i, "speaker_nth": i} for i, c in enumerate(part)],
                         targets=(target,))
        record["meta"]["targets"] = [target]
        records.append(record)
    return records


def _macro_f1(model_dir, examples: list[dict]) -> float:
    model = load_model(model_dir, bf16=False)
    probs = model.score(examples)
    return sets.scores([e["label"] for e in examples], sets.predict_labels(probs, (0, 1)),
                       (0, 1))["macro_f1"]


def test_confirmed_labels_on_a_new_target_raise_its_score(doccano_server, api, project_name,
                                                           tmp_path):
    require_shared(DEBATER)
    topic = [e for e in debater.argkp_examples(DEBATER, "dev", key_points=False)
             if e["target"] == TARGET]
    target = TARGET
    # ArgKP lists a topic's arguments by stance: take half of each side, as annotators would see
    by_label = [[e for e in topic if e["label"] == label] for label in (0, 1)]
    corrected = [e for side in by_label for e in side[: CORRECTED // 2]]
    held_out = [e for side in by_label for e in side[CORRECTED // 2:]]
    assert len(held_out) >= 20

    push(api, _records(corrected, target), project_name, tmp_path / "state")
    ann = annotator(doccano_server.url, project_name, f"ann-{project_name[:20]}")
    stance_pid = ann.find_project(f"{project_name}.stance")["id"]
    gold = {c["text"]: data.TASK_LABELS["stance"][c["label"]] for c in corrected}
    records = {r["id"]: r for r in _records(corrected, target)}
    examples = stance_examples(ann, project_name)
    assert len(examples) == CORRECTED
    for example in examples:
        meta = example["meta"]
        claim = next(c for c in records[meta["doc_id"]]["claims"] if c["id"] == meta["claim_id"])
        set_stance(ann, project_name, example["id"], gold[claim["text"]])
        confirm(ann, stance_pid, example["id"])

    main_pid = ann.find_project(project_name)["id"]
    for doc in ann.examples(main_pid):  # the annotator checked the articles too
        confirm(ann, main_pid, doc["id"])

    pulled = pull(api, project_name)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "pulled.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pulled), encoding="utf-8")
    pairs = data.gold_examples(gold_dir)
    assert len(pairs) == CORRECTED
    assert {(p["text"], data.TASK_LABELS["stance"][p["label"]]) for p in pairs} == set(
        gold.items())

    out = tmp_path / "retrained"
    result = CliRunner().invoke(app, [
        "train", "--init", "models/stance", "--output", str(out),
        "--set", f"paths.gold={json.dumps(str(gold_dir))}",
        "--set", "data.max_examples_per_source=60", "--set", "data.gold_repeat=4",
        "--set", "training.epochs=3", "--set", "training.learning_rate=0.00005",
        "--set", "training.dev_limit=24", "--set", "first_pass.enabled=false",
        *[arg for key in ("negated_target_rate", "gerund_target_rate", "factual_sentences",
                          "discourse_per_target", "topic_neutrals_per_target",
                          "off_topic_neutrals")
          for arg in ("--set", f"augment.{key}=0")]])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "training.json").read_text())
    assert meta["training_pairs"]["gold"] and meta["config"]["model"]["init"] == "models/stance"

    before = _macro_f1(REPO_ROOT / "models" / "stance", held_out)
    after = _macro_f1(out, held_out)
    print(f"held-out macro-F1 on the new topic: shipped {before:.3f}, retrained {after:.3f}")
    assert after > before, (before, after)
