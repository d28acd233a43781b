"""The stance cross-encoder: a MiniLM-L6 encoder + 3-way head, loaded offline.

One model serves two tasks, told apart by a prefix on the target segment:
``stance: <proposition>`` -> favor/against/neutral, ``sentiment: <entity>`` -> positive/
negative/neutral. The text segment is the claim (or sentence), with the entity mention
marked ``<< >>`` for the actor task and the sentence context appended when it adds words.

A model folder holds either a LoRA adapter (``adapter_config.json``) or fine-tuned encoder
weights in fp16 (``weights.safetensors``: every parameter except the frozen word embeddings,
which come from the base package), plus ``training.json`` with the base, the number of encoder
layers kept, and the calibration fitted on dev (per-task temperature, neutral threshold).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from pipeline.errors import ClaimtraceError, Errors
from pipeline.paths import resolve
from pipeline.stance.config import BASE_PACKAGE, base_model_path

TASK_PREFIX = {"stance": "stance:", "actor": "sentiment:"}
MENTION_OPEN, MENTION_CLOSE = "<<", ">>"
WEIGHTS_FILE = "weights.safetensors"
NEUTRAL = 2


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
    """True when the CPU has native bf16 (AMX tiles or avx512_bf16), where autocast pays off.
    Without them bf16 is emulated and about 4x slower than fp32 (measured, docs/stance.md)."""
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


@contextlib.contextmanager
def inference_context(bf16: bool) -> Iterator[None]:
    """No gradients, and bf16 autocast when ``bf16``. ``no_grad`` rather than
    ``inference_mode``: under inference mode autocast casts every weight to bf16 again on each
    forward pass (about 8 ms of a 16-row MiniLM pass here), under ``no_grad`` once per context.
    The arithmetic is the same either way."""
    with torch.no_grad():
        if bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                yield
        else:
            yield


def set_threads(threads: int | None) -> None:
    """Respect the worker count: torch intra-op threads (0/None keeps torch's default)."""
    if threads and threads > 0:
        torch.set_num_threads(int(threads))


@dataclass
class Calibration:
    """Per-task softmax temperature and the stance neutral threshold, fitted on dev.

    ``neutral_threshold``: a stance pair whose larger of favor/against probability is below it
    is labelled neutral (the model abstains); 0 keeps the plain argmax."""

    temperature: dict[str, float] = field(default_factory=lambda: {"stance": 1.0, "actor": 1.0})
    neutral_threshold: float = 0.0

    @classmethod
    def from_dict(cls, data: dict | None) -> Calibration:
        data = data or {}
        return cls({"stance": 1.0, "actor": 1.0, **data.get("temperature", {})},
                   float(data.get("neutral_threshold", 0.0)))

    def to_dict(self) -> dict:
        return {"temperature": dict(self.temperature), "neutral_threshold": self.neutral_threshold}


def decide(row: Sequence[float], task: str, calibration: Calibration) -> int:
    """The label index for one probability row: argmax, then the stance abstain rule."""
    best = max(range(len(row)), key=lambda k: row[k])
    if task == "stance" and best != NEUTRAL and row[best] < calibration.neutral_threshold:
        return NEUTRAL
    return best


@dataclass
class StanceModel:
    """A loaded model + tokenizer with batched, calibrated scoring."""

    model: torch.nn.Module
    tokenizer: object
    max_length: int = 128
    bf16: bool = False
    name: str = ""
    calibration: Calibration = field(default_factory=Calibration)

    def logits(self, examples: Sequence[dict], batch_size: int = 8) -> torch.Tensor:
        """Raw logits (n x 3), in order, computed in fixed-shape batches of ``batch_size`` rows
        (see ``_length_batches``): an example's result does not depend on its neighbours."""
        out = torch.zeros(len(examples), 3)
        self.model.eval()
        with inference_context(self.bf16):
            for idx, batch in _length_batches(self.tokenizer, examples, self.max_length,
                                              batch_size):
                out[idx] = self.model(**batch).logits.float()[: len(idx)]
        return out

    def score(self, examples: Sequence[dict], batch_size: int = 8) -> list[list[float]]:
        """Calibrated probabilities (3 per example, temperature of the example's task)."""
        if not examples:
            return []
        logits = self.logits(examples, batch_size)
        temps = torch.tensor([self.calibration.temperature.get(ex.get("task") or "stance", 1.0)
                              for ex in examples]).unsqueeze(1)
        return torch.softmax(logits / temps, -1).tolist()

    def labels(self, examples: Sequence[dict], probs: Sequence[Sequence[float]]) -> list[int]:
        """Label indices after the calibrated abstain rule."""
        return [decide(row, ex.get("task") or "stance", self.calibration)
                for ex, row in zip(examples, probs, strict=True)]


def _length_batches(tokenizer, examples: Sequence[dict], max_length: int, batch_size: int):
    """(indices, encoded batch) in fixed shapes: each example is padded to its own length
    rounded up to a multiple of 8, and every batch has exactly ``batch_size`` rows (the last one
    of a length is filled with copies of its first row). A row's arithmetic then never depends
    on which other examples share its batch, so scores are reproducible bit for bit whatever
    else is scored in the run (checked for 1 and 2 threads)."""
    encoded = [tokenizer(*pair_segments(ex), truncation="longest_first", max_length=max_length)
               for ex in examples]
    buckets: dict[int, list[int]] = {}
    for i, enc in enumerate(encoded):
        buckets.setdefault(-(-len(enc["input_ids"]) // 8) * 8, []).append(i)
    for length, idx in sorted(buckets.items()):
        for lo in range(0, len(idx), batch_size):
            part = idx[lo: lo + batch_size]
            rows = [encoded[i] for i in part]
            rows += [rows[0]] * (batch_size - len(rows))
            batch = tokenizer.pad(rows, padding="max_length", max_length=length,
                                  return_tensors="pt")
            yield part, batch


def encode(tokenizer, examples: Iterable[dict], max_length: int) -> dict:
    """Tokenise example pairs with dynamic padding; truncation cuts the longer segment first."""
    firsts, seconds = zip(*(pair_segments(ex) for ex in examples), strict=True)
    return tokenizer(list(firsts), list(seconds), padding=True, truncation="longest_first",
                     max_length=max_length, return_tensors="pt")


def keep_layers(model: torch.nn.Module, num_layers: int) -> torch.nn.Module:
    """Keep the first ``num_layers`` encoder layers (0 or more than there are: keep all)."""
    layers = model.base_model.encoder.layer
    if 0 < num_layers < len(layers):
        model.base_model.encoder.layer = layers[:num_layers]
        model.config.num_hidden_layers = num_layers
    return model


def load_base(base: str = BASE_PACKAGE, num_labels: int = 3, num_layers: int = 0):
    """The base tokenizer and sequence-classification model, offline-first."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = base_model_path(base)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=num_labels)
    return tokenizer, keep_layers(model, num_layers)


def frozen_parameter(name: str) -> bool:
    """Parameters a full fine-tune leaves as in the base (and does not ship): the embeddings."""
    return ".embeddings." in f".{name}"


def load_weights(model: torch.nn.Module, path: Path) -> None:
    """Load fine-tuned fp16 weights over the base (every parameter but the embeddings)."""
    from safetensors.torch import load_file

    state = {k: v.float() for k, v in load_file(str(path)).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not frozen_parameter(k)]:
        raise ValueError(f"weights do not fit the base: missing {missing[:3]}, unexpected "
                         f"{unexpected[:3]}")


def save_weights(model: torch.nn.Module, path: Path) -> None:
    """Save every non-embedding parameter in fp16 (the shipped full fine-tune)."""
    from safetensors.torch import save_file

    state = {k: v.detach().to(torch.float16).contiguous()
             for k, v in model.state_dict().items() if not frozen_parameter(k)}
    save_file(state, str(path))


def load_model(model_dir: str | Path = "models/stance", *, bf16: bool | str = "auto",
               threads: int | None = None, max_length: int | None = None) -> StanceModel:
    """Load base + fine-tuned weights (or adapter) from ``model_dir``, offline.

    ``model_dir`` may also be a full model folder or a hub id for users with network."""
    set_threads(threads)
    path = resolve(model_dir)
    meta = _training_meta(path)
    try:
        if (path / WEIGHTS_FILE).exists():
            tokenizer, model = load_base(meta["base"], num_layers=meta["num_layers"])
            load_weights(model, path / WEIGHTS_FILE)
        elif (path / "adapter_config.json").exists():
            from peft import PeftModel

            tokenizer, base = load_base(meta["base"], num_layers=meta["num_layers"])
            model = PeftModel.from_pretrained(base, str(path)).merge_and_unload()
        else:
            tokenizer, model = load_base(str(path) if path.exists() else str(model_dir))
    except ClaimtraceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
        raise ClaimtraceError(Errors.E202, path=str(model_dir), detail=str(exc)[:300]) from exc
    model.eval()
    return StanceModel(model, tokenizer, max_length or meta["max_length"], use_bf16(bf16),
                       str(model_dir), Calibration.from_dict(meta["calibration"]))


def _training_meta(path: Path) -> dict:
    meta = path / "training.json"
    data = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    config = data.get("config", {})
    return {"base": data.get("base", BASE_PACKAGE),
            "num_layers": int(config.get("model", {}).get("num_layers", 0) or 0),
            "max_length": config.get("training", {}).get("max_length", 128),
            "calibration": data.get("calibration")}
