"""Build the one ``nlp`` object that runs the whole pipeline, from a spaCy config file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from .errors import ClaimtraceError, Errors
from .extensions import register_extensions
from .paths import resolve

DEFAULT_CONFIG = "configs/default.cfg"


def parse_overrides(pairs: list[str] | None) -> dict[str, Any]:
    """Turn ``["components.quotes.min_words=3", ...]`` into spaCy config overrides."""
    from confection import try_load_json  # type: ignore[import-untyped]

    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or "." not in key:
            raise ClaimtraceError(Errors.E104, override=pair)
        out[key.strip().lstrip("-")] = try_load_json(value.strip())
    return out


def load_pipeline(
    config_path: str | Path = DEFAULT_CONFIG,
    overrides: dict[str, Any] | None = None,
    exclude: Iterable[str] = (),
) -> Language:
    """Load ``config_path`` (relative paths resolve against the repo root) and assemble the
    pipeline. The config hash and spaCy model name/version are kept in ``nlp.meta``.
    Components named in ``exclude`` are never constructed (the config hash is unchanged)."""
    import pipeline.components  # noqa: F401  (registers the factories)

    register_extensions()
    path = resolve(config_path)
    if not path.is_file():
        raise ClaimtraceError(Errors.E101, path=str(config_path))
    config = spacy.util.load_config(path, overrides=overrides or {}, interpolate=False)
    model_name = config["paths"]["spacy_model"]
    if not spacy.util.is_package(model_name) and not Path(model_name).exists():
        raise ClaimtraceError(Errors.E102, model=model_name)
    nlp = spacy.util.load_model_from_config(
        config, auto_fill=True, validate=True, exclude=list(exclude)
    )
    resolved = config.interpolate().to_str()
    nlp.meta["claimtrace"] = {
        "config_path": str(config_path),
        "config_hash": "sha256:" + hashlib.sha256(resolved.encode("utf-8")).hexdigest(),
        "spacy_model": model_name,
        "spacy_model_version": _model_version(model_name),
    }
    return nlp


def _model_version(model_name: str) -> str:
    try:
        return metadata.version(model_name.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return spacy.util.load_meta(Path(model_name) / "meta.json").get("version", "unknown")
