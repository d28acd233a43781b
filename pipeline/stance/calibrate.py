"""Calibration fitted on dev: so that a stance ``score`` is a probability, and the model says
neutral when it is not sure of a position.

* Temperature scaling (one temperature per task): logits / T minimises the negative
  log-likelihood of the dev labels; it changes no argmax, only how confident the scores are.
* Expected calibration error (ECE, 15 equal-width confidence bins), before and after.
* Neutral threshold: a stance pair whose larger favor/against probability is below it becomes
  neutral; chosen on the 3-class stance dev sets for the best mean macro-F1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from pipeline.stance import sets
from pipeline.stance.model import NEUTRAL, Calibration, decide, load_model

THRESHOLD_GRID = [round(0.05 * i, 2) for i in range(0, 20)]


def fit_temperature(logits: torch.Tensor, labels: Sequence[int]) -> float:
    """The temperature minimising NLL: a log-spaced grid, then a finer grid around the best."""
    target = torch.tensor(list(labels))

    def nll(t: float) -> float:
        return float(torch.nn.functional.cross_entropy(logits / t, target))

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 61))
    best = min(grid, key=nll)
    fine = np.linspace(best / 1.2, best * 1.2, 41)
    return float(round(min(fine, key=nll), 4))


def expected_calibration_error(probs: Sequence[Sequence[float]], labels: Sequence[int],
                               bins: int = 15) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins of the argmax."""
    p = np.asarray(probs, dtype=float)
    conf = p.max(1)
    correct = p.argmax(1) == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return float(total)


def choose_neutral_threshold(sets_probs: Sequence[tuple[Sequence[Sequence[float]],
                                                        Sequence[int]]]) -> tuple[float, dict]:
    """The threshold with the best mean 3-class macro-F1 over (probs, labels) sets; ties go
    to the smaller threshold. Returns (threshold, {threshold: mean F1})."""
    table = {}
    for threshold in THRESHOLD_GRID:
        cal = Calibration(neutral_threshold=threshold)
        f1s = [sets.scores(gold, [decide(row, "stance", cal) for row in probs],
                           (0, 1, 2))["macro_f1"] for probs, gold in sets_probs]
        table[threshold] = float(np.mean(f1s))
    best = max(THRESHOLD_GRID, key=lambda t: (round(table[t], 4), -t))
    return best, table


def _task(es: sets.EvalSet) -> str:
    return es.examples[0].get("task") or "stance" if es.examples else "stance"


def calibrate_model_dir(model_dir: str | Path, dev_sets: list[sets.EvalSet], log=print) -> dict:
    """Fit the calibration of the model in ``model_dir`` on ``dev_sets`` and return it (with
    dev ECE before and after) as stored under ``calibration`` in training.json."""
    model = load_model(model_dir, bf16=False)
    model.calibration = Calibration()
    logits: dict[str, list] = {"stance": [], "actor": []}
    labels: dict[str, list] = {"stance": [], "actor": []}
    per_set = []
    for es in dev_sets:
        out = model.logits(es.examples, batch_size=32)
        task = _task(es)
        logits[task].append(out)
        labels[task] += [e["label"] for e in es.examples]
        per_set.append((es, out))
    temperature, ece = {}, {}
    for task in ("stance", "actor"):
        if not labels[task]:
            temperature[task] = 1.0
            continue
        stacked = torch.cat(logits[task])
        temperature[task] = fit_temperature(stacked, labels[task])
        ece[task] = {
            "before": expected_calibration_error(torch.softmax(stacked, -1).tolist(),
                                                 labels[task]),
            "after": expected_calibration_error(
                torch.softmax(stacked / temperature[task], -1).tolist(), labels[task])}
    three_class = [(torch.softmax(out / temperature["stance"], -1).tolist(),
                    [e["label"] for e in es.examples])
                   for es, out in per_set if _task(es) == "stance" and NEUTRAL in es.labels]
    threshold, table = choose_neutral_threshold(three_class) if three_class else (0.0, {})
    result = {**Calibration(temperature, threshold).to_dict(), "dev_ece": ece,
              "threshold_dev_macro_f1": {str(k): round(v, 4) for k, v in table.items()}}
    log(f"calibration: {json.dumps(result)}")
    return result


def recalibrate(model_dir: str | Path, config_path: str | Path, dev_limit: int = 0,
                log=print) -> dict:
    """Refit calibration and first pass of a trained model in place (training.json is kept and
    updated; the model card is re-rendered)."""
    from pipeline.errors import ClaimtraceError, Errors
    from pipeline.paths import resolve
    from pipeline.stance.card import write_card
    from pipeline.stance.config import load_config
    from pipeline.stance.firstpass import train_first_pass
    from pipeline.stance.trainset import training_examples

    path = resolve(model_dir)
    if not (path / "training.json").is_file():
        raise ClaimtraceError(Errors.E202, path=str(model_dir),
                              detail="no training.json (not a model trained by claimtrace)")
    cfg = load_config(config_path)
    dev_sets = sets.eval_sets(cfg, "dev", limit=dev_limit)
    meta_path = path / "training.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["calibration"] = calibrate_model_dir(path, dev_sets, log=log)
    if cfg.get("first_pass", {}).get("enabled", True):
        examples, _ = training_examples(cfg, log=log)
        for task, key in (("stance", "first_pass"), ("actor", "first_pass_actor")):
            meta[key] = train_first_pass(
                path, examples, dev_sets, cfg["model"]["base"], cfg["training"]["seed"],
                max_f1_loss=cfg.get("first_pass", {}).get("max_f1_loss", 0.01), log=log,
                task=task)
    meta_path.write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    write_card(path)
    return meta
