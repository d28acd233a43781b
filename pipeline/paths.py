"""Where things live: relative config paths resolve against the repository root."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
SCHEMA_PATH = PACKAGE_DIR / "schema" / "record.schema.json"
SHARED_DIR = REPO_ROOT.parent / "shared"


def resolve(path: str | Path) -> Path:
    """Resolve a config path: absolute as is, ``resources:NAME`` in the package's resources,
    anything else relative to the repository root (so configs work from any working dir)."""
    text = str(path)
    if text.startswith("resources:"):
        return RESOURCES_DIR / text.split(":", 1)[1]
    p = Path(text).expanduser()
    return p if p.is_absolute() else REPO_ROOT / p
