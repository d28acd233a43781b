"""`claimtrace stance evaluate`: the model and both baselines on every test set, in one run."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from pipeline.paths import resolve
from pipeline.stance import data, sets
from pipeline.stance.baselines import MajorityBaseline, TfidfLRBaseline
from pipeline.stance.config import load_config
from pipeline.stance.model import load_model
from pipeline.stance.relevance import DEFAULT_THRESHOLD, RelevanceGate, load_gate

# Goals from issue 3, checked in the printed table.
GOALS = {
    "perspectrum-2": "macro-F1 >= 0.80 and >= TF-IDF+LR + 0.15",
    "newsmtsc": "macro-F1 >= 0.80",
}


def training_pools(cfg: dict, limit: int = 0) -> dict[str, list[dict]]:
    """The training data each baseline learns from (the same pairs the model saw)."""
    seed = cfg["training"]["seed"]
    three = data.perspectrum_examples(sets.perspectrum_root(cfg), "train",
                                      neutral_per_claim=cfg["data"]["neutral_per_claim"],
                                      seed=seed)
    three += data.gold_examples(resolve(cfg["paths"]["gold"])) if cfg["data"]["use_gold"] else []
    pools = {"perspectrum-3": three,
             "perspectrum-2": [e for e in three if e["label"] != data.NEUTRAL]}
    if cfg["data"]["use_newsmtsc"]:
        pools["newsmtsc"] = data.newsmtsc_examples(sets.newsmtsc_root(cfg), "train")
    if limit:
        rng = random.Random(seed)
        pools = {k: rng.sample(v, min(limit, len(v))) for k, v in pools.items()}
    return pools


def _goal_met(key: str, row: dict) -> str:
    if key == "perspectrum-2":
        ok = row["model"]["macro_f1"] >= 0.80 and (
            row["model"]["macro_f1"] - row["tfidf_lr"]["macro_f1"] >= 0.15)
    elif key == "newsmtsc":
        ok = row["model"]["macro_f1"] >= 0.80
    else:
        return "-"
    return "yes" if ok else "no"


def gated_row(es: sets.EvalSet, probs: list[list[float]], gate: RelevanceGate,
              threshold: float) -> dict:
    """The 3-class model score when pairs below the relevance threshold are neutral, as in the
    pipeline, and how many labelled (favor/against) pairs the gate keeps."""
    sims = (gate.embed([e["text"] for e in es.examples])
            * gate.target_embeddings([e["target"] for e in es.examples])).sum(1)
    pred = [data.NEUTRAL if sim < threshold else label
            for sim, label in zip(sims, sets.predict_labels(probs, es.labels), strict=True)]
    gold = [e["label"] for e in es.examples]
    labelled = [sim for sim, g in zip(sims, gold, strict=True) if g != data.NEUTRAL]
    neutral = [sim for sim, g in zip(sims, gold, strict=True) if g == data.NEUTRAL]
    return {"model": sets.scores(gold, pred, es.labels), "threshold": threshold,
            "labelled_kept": sum(s >= threshold for s in labelled) / max(len(labelled), 1),
            "neutral_gated": sum(s < threshold for s in neutral) / max(len(neutral), 1)}


def run_evaluation(config_path: str | Path = "configs/stance.cfg", model_dir: str | None = None,
                   split: str = "test", limit: int = 0, train_limit: int = 0,
                   bf16: bool | str = "auto", threads: int | None = None,
                   batch_size: int = 64,
                   relevance_threshold: float | None = DEFAULT_THRESHOLD) -> dict:
    """Score majority, TF-IDF+LR and the model on each set; returns {"sets": {name: row}}.

    With a relevance threshold, the 3-class PERSPECTRUM set gets a second row where the
    relevance gate runs first, as in the pipeline."""
    cfg = load_config(config_path)
    model_dir = model_dir or cfg["paths"]["output"]
    eval_sets = sets.eval_sets(cfg, split, limit=limit)
    pools = training_pools(cfg, train_limit)
    model = load_model(model_dir, bf16=bf16, threads=threads)
    results: dict[str, dict] = {}
    baselines: dict[str, tuple[MajorityBaseline, TfidfLRBaseline]] = {}
    for es in eval_sets:
        if es.train_key not in baselines:
            pool = pools[es.train_key]
            baselines[es.train_key] = (MajorityBaseline().fit(pool),
                                       TfidfLRBaseline(cfg["training"]["seed"]).fit(pool))
        majority, tfidf = baselines[es.train_key]
        gold = [e["label"] for e in es.examples]
        started = time.time()
        probs = model.score(es.examples, batch_size=batch_size)
        seconds = time.time() - started
        row = {
            "n": len(gold),
            "majority": sets.scores(gold, majority.predict(es.examples), es.labels),
            "tfidf_lr": sets.scores(gold, tfidf.predict(es.examples), es.labels),
            "model": sets.scores(gold, sets.predict_labels(probs, es.labels), es.labels),
            "pairs_per_s": round(len(gold) / max(seconds, 1e-9), 1),
            "goal": GOALS.get(es.train_key, "reported"),
        }
        row["goal_met"] = _goal_met(es.train_key, row)
        results[es.name] = row
        if es.train_key == "perspectrum-3" and relevance_threshold is not None:
            gate = load_gate(bf16=bf16, threads=threads)
            gated = gated_row(es, probs, gate, relevance_threshold)
            results[f"{es.name} + relevance gate"] = {
                **row, "model": gated["model"], "gate": gated, "goal_met": "-",
                "goal": (f"reported (gate {relevance_threshold}: keeps "
                         f"{gated['labelled_kept']:.1%} of favor/against, "
                         f"{gated['neutral_gated']:.1%} of neutrals gated)")}
    return {"sets": results, "split": split, "limit": limit, "model": str(model_dir),
            "bf16": model.bf16}


def record_metrics(model_dir: str | Path, metrics: dict, command: str) -> None:
    """Store the metrics in training.json and re-render the model card."""
    from pipeline.stance.card import write_card

    path = resolve(model_dir) / "training.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["metrics"] = {**metrics, "command": command}
    path.write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    write_card(resolve(model_dir))
