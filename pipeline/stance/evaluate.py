"""`claimtrace stance evaluate`: the model and both baselines on every stance set, in one run,
plus the challenge set per category and the calibration error of the scores."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from pipeline.paths import resolve
from pipeline.stance import challenge, data, sets, trainset
from pipeline.stance.baselines import MajorityBaseline, TfidfLRBaseline
from pipeline.stance.calibrate import expected_calibration_error
from pipeline.stance.config import load_config
from pipeline.stance.model import StanceModel, load_model
from pipeline.stance.relevance import DEFAULT_THRESHOLD, RelevanceGate, load_gate

CHALLENGE_GOAL = "accuracy >= 0.85 overall and >= 0.70 in every category"


def training_pools(cfg: dict, limit: int = 0) -> dict[str, list[dict]]:
    """The training pairs each baseline learns from (the same pairs the model saw)."""
    examples, _ = trainset.training_examples(cfg, log=lambda *_: None)
    stance = [e for e in examples if e["task"] == "stance"]
    pools = {"stance-3": stance,
             "stance-2": [e for e in stance if e["label"] != data.NEUTRAL],
             "newsmtsc": [e for e in examples if e["task"] == "actor"]}
    if limit:
        rng = random.Random(cfg["training"]["seed"])
        pools = {k: rng.sample(v, min(limit, len(v))) for k, v in pools.items()}
    return {k: v for k, v in pools.items() if v}


def model_labels(model: StanceModel, es: sets.EvalSet, probs: list[list[float]]) -> list[int]:
    """2-class sets: argmax over favor/against; 3-class sets: the calibrated decision."""
    if data.NEUTRAL not in es.labels:
        return sets.predict_labels(probs, es.labels)
    return model.labels(es.examples, probs)


def gate_similarities(gate: RelevanceGate, examples: list[dict]) -> list[float]:
    return [float(s) for s in gate.pairwise([e["text"] for e in examples],
                                            [e["target"] for e in examples])]


def gated_row(es: sets.EvalSet, pred: list[int], sims: list[float], threshold: float) -> dict:
    """The 3-class score when stance pairs below the relevance threshold are neutral, as in the
    pipeline, and how many labelled (favor/against) pairs the gate keeps."""
    gated = [data.NEUTRAL if ex["task"] == "stance" and sim < threshold else label
             for ex, sim, label in zip(es.examples, sims, pred, strict=True)]
    gold = [e["label"] for e in es.examples]
    labelled = [s for s, g, e in zip(sims, gold, es.examples, strict=True)
                if g != data.NEUTRAL and e["task"] == "stance"]
    neutral = [s for s, g, e in zip(sims, gold, es.examples, strict=True)
               if g == data.NEUTRAL and e["task"] == "stance"]
    return {"model": sets.scores(gold, gated, es.labels), "threshold": threshold,
            "labelled_kept": sum(s >= threshold for s in labelled) / max(len(labelled), 1),
            "neutral_gated": sum(s < threshold for s in neutral) / max(len(neutral), 1),
            "pred": gated}


def _baseline_predict(baselines: dict, es: sets.EvalSet) -> tuple[list[int], list[int]]:
    """Majority and TF-IDF predictions; the challenge set mixes tasks, so each row uses the
    baselines of its own task."""
    majority, tfidf = [], []
    for ex in es.examples:
        key = es.train_key if es.train_key != "challenge" else (
            "newsmtsc" if ex["task"] == "actor" else "stance-3")
        maj, tf = baselines[key]
        majority.append(maj.predict([ex])[0])
        tfidf.append(tf.predict([ex])[0])
    return majority, tfidf


def _goal_met(es: sets.EvalSet, f1: float) -> str:
    return "-" if es.goal_f1 is None else ("yes" if f1 >= es.goal_f1 else "no")


def challenge_set(cfg: dict) -> sets.EvalSet:
    return sets.EvalSet("challenge (hand-written, 9 categories)",
                        challenge.challenge_examples(cfg["paths"].get("challenge",
                                                                      challenge.CHALLENGE_PATH)),
                        (0, 1, 2), "challenge", CHALLENGE_GOAL)


def run_evaluation(config_path: str | Path = "configs/stance.cfg", model_dir: str | None = None,
                   split: str = "test", limit: int = 0, train_limit: int = 0,
                   bf16: bool | str = "auto", threads: int | None = None,
                   batch_size: int = 32,
                   relevance_threshold: float | None = DEFAULT_THRESHOLD) -> dict:
    """Score majority, TF-IDF+LR and the model on each set; returns {"sets": {name: row},
    "challenge": per-category accuracy}.

    With a relevance threshold, the 3-class PERSPECTRUM set and the challenge set get a second
    row where the relevance gate runs first, as in the pipeline."""
    cfg = load_config(config_path)
    model_dir = model_dir or cfg["paths"]["output"]
    eval_sets = sets.eval_sets(cfg, split, limit=limit) + [challenge_set(cfg)]
    pools = training_pools(cfg, train_limit)
    baselines = {key: (MajorityBaseline().fit(pool),
                       TfidfLRBaseline(cfg["training"]["seed"]).fit(pool))
                 for key, pool in pools.items()}
    model = load_model(model_dir, bf16=bf16, threads=threads)
    gate = load_gate(bf16=bf16, threads=threads) if relevance_threshold is not None else None
    results: dict[str, dict] = {}
    per_category: dict[str, dict] = {}
    for es in eval_sets:
        gold = [e["label"] for e in es.examples]
        started = time.time()
        probs = model.score(es.examples, batch_size=batch_size)
        seconds = time.time() - started
        pred = model_labels(model, es, probs)
        majority, tfidf = _baseline_predict(baselines, es)
        row = {
            "n": len(gold),
            "majority": sets.scores(gold, majority, es.labels),
            "tfidf_lr": sets.scores(gold, tfidf, es.labels),
            "model": sets.scores(gold, pred, es.labels),
            "ece": expected_calibration_error(probs, gold),
            "pairs_per_s": round(len(gold) / max(seconds, 1e-9), 1),
            "goal": es.goal,
        }
        row["goal_met"] = _goal_met(es, row["model"]["macro_f1"])
        if es.train_key == "challenge":
            per_category["model"] = challenge.category_accuracy(es.examples, pred)
            met = (per_category["model"]["overall"]["accuracy"] >= 0.85
                   and min(v["accuracy"] for v in per_category["model"].values()) >= 0.70)
            row["goal_met"] = "yes" if met else "no"
        results[es.name] = row
        if gate is not None and es.train_key in ("stance-3", "challenge"):
            gated = gated_row(es, pred, gate_similarities(gate, es.examples),
                              relevance_threshold)
            results[f"{es.name} + relevance gate"] = {
                **row, "model": gated["model"], "goal_met": "-",
                "gate": {k: v for k, v in gated.items() if k != "pred"},
                "goal": (f"reported (gate {relevance_threshold}: keeps "
                         f"{gated['labelled_kept']:.1%} of favor/against, "
                         f"{gated['neutral_gated']:.1%} of neutrals gated)")}
            if es.train_key == "challenge":
                per_category["model + gate"] = challenge.category_accuracy(es.examples,
                                                                           gated["pred"])
    return {"sets": results, "challenge": per_category, "split": split, "limit": limit,
            "model": str(model_dir), "bf16": model.bf16,
            "calibration": model.calibration.to_dict()}


def record_metrics(model_dir: str | Path, metrics: dict, command: str) -> None:
    """Store the metrics in training.json and re-render the model card."""
    from pipeline.stance.card import write_card

    path = resolve(model_dir) / "training.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["metrics"] = {**metrics, "command": command}
    path.write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    write_card(resolve(model_dir))
