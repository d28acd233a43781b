"""Where things live. In a checkout, relative config paths resolve against the repository
root (so configs work from any working directory); in an installed package (no checkout)
they resolve against the current directory."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
SCHEMA_PATH = PACKAGE_DIR / "schema" / "record.schema.json"
SHARED_DIR = REPO_ROOT.parent / "shared"


def in_checkout() -> bool:
    """Whether this code runs from the repository (editable install or source tree)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "configs").is_dir()


def resolve(path: str | Path) -> Path:
    """Resolve a config path: absolute as is, ``resources:NAME`` in the package's resources,
    anything else relative to the repository root (a checkout) or the working directory."""
    text = str(path)
    if text.startswith("resources:"):
        return RESOURCES_DIR / text.split(":", 1)[1]
    p = Path(text).expanduser()
    if p.is_absolute():
        return p
    return (REPO_ROOT if in_checkout() else Path.cwd()) / p
