"""Build the one ``nlp`` object that runs the whole pipeline: from a spaCy config file, from a
saved pipeline folder (``nlp.to_disk``) or from an installed pipeline package."""

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
# Name of the installable pipeline package (`claimtrace package`): spacy.load(PACKAGE_NAME).
PACKAGE_NAME = "en_claimtrace"


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
    """The pipeline named by ``config_path``: a ``.cfg`` file (relative paths resolve against
    the checkout), a folder saved by ``nlp.to_disk``, or an installed pipeline package name.

    The default config falls back to the installed ``en_claimtrace`` package when there is no
    checkout (a non-editable install), so ``claimtrace annotate`` works from any folder.
    The config hash and spaCy model name/version are kept in ``nlp.meta["claimtrace"]``.
    Components named in ``exclude`` are never constructed (the config hash is unchanged)."""
    import pipeline.components  # noqa: F401  (registers the factories)

    register_extensions()
    path = resolve(config_path)
    if path.is_dir() and (path / "config.cfg").is_file():
        return load_saved(path, overrides)
    if not path.is_file():
        package = installed_package(config_path)
        if package:
            return load_saved(package, overrides)
        raise ClaimtraceError(Errors.E101, path=str(config_path))
    config = spacy.util.load_config(path, overrides=overrides or {}, interpolate=False)
    model_name = config["paths"]["spacy_model"]
    if not spacy.util.is_package(model_name) and not Path(model_name).exists():
        raise ClaimtraceError(Errors.E102, model=model_name)
    with _config_errors(_component_names(config)):
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


def config_file(config_path: str | Path) -> Path | None:
    """The .cfg behind ``config_path``: the file itself, a saved pipeline folder's config.cfg,
    or, for the default path outside a checkout or a package name, the installed pipeline
    package's config.cfg; None when there is none."""
    path = resolve(config_path)
    if path.is_file():
        return path
    if path.is_dir() and (path / "config.cfg").is_file():
        return path / "config.cfg"
    package = installed_package(config_path)
    if package:
        return next(iter(sorted(spacy.util.get_package_path(package).glob("*/config.cfg"))), None)
    return None


def installed_package(config_path: str | Path) -> str | None:
    """The installed pipeline package a config path that is no file stands for: the name itself,
    or ``en_claimtrace`` for the default config outside a checkout; None when there is none."""
    name = str(config_path)
    if name == DEFAULT_CONFIG and spacy.util.is_package(PACKAGE_NAME):
        return PACKAGE_NAME
    return name if spacy.util.is_package(name) else None


def load_saved(name: str | Path, overrides: dict[str, Any] | None = None) -> Language:
    """``spacy.load`` of a saved pipeline folder or package, with config overrides. Its
    ``nlp.meta["claimtrace"]`` (config hash, model) is the one it was saved with; an override
    changes the config hash the same way it does for a .cfg file."""
    register_extensions()
    saved = resolve(name) if not spacy.util.is_package(str(name)) else None
    components = {}
    if saved is not None and (saved / "config.cfg").is_file():
        components = _component_names(spacy.util.load_config(saved / "config.cfg",
                                                             interpolate=False))
    with _config_errors(components):
        try:
            nlp = spacy.load(name, config=overrides or {})
        except (OSError, ImportError) as exc:
            raise ClaimtraceError(Errors.E152, name=str(name), detail=exc) from exc
    if overrides:
        info = dict(nlp.meta.get("claimtrace", {}))
        resolved = nlp.config.interpolate().to_str()
        info["config_hash"] = "sha256:" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()
        nlp.meta["claimtrace"] = info
    return nlp


def _component_names(config) -> dict[str, str]:
    """Factory name -> ``components.NAME`` for every component of a config."""
    return {section.get("factory", ""): f"components.{name}"
            for name, section in config.get("components", {}).items() if "factory" in section}


class _config_errors:
    """Turn spaCy's config validation errors into E151 naming the key, and let component
    errors (E150) through as they are. ``components`` maps a factory name (what spaCy names
    in its error) to the config section it came from."""

    def __init__(self, components: dict[str, str]) -> None:
        self.components = components

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        from confection import ConfigValidationError

        if exc is None or not isinstance(exc, ConfigValidationError):
            return False
        parent = self.components.get(exc.parent or "", exc.parent or "")
        problems = [
            (".".join(str(p) for p in [*parent.split("."), *e.get("loc", [])] if p),
             e.get("msg", ""))
            for e in exc.errors or []
        ]
        key = problems[0][0] if problems else "config"
        detail = "; ".join(f"{k}: {m}" for k, m in problems) or str(exc).strip()[:300]
        raise ClaimtraceError(Errors.E151, key=key, detail=detail) from exc


def _model_version(model_name: str) -> str:
    try:
        return metadata.version(model_name.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return spacy.util.load_meta(Path(model_name) / "meta.json").get("version", "unknown")
