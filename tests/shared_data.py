"""Access to ../shared test data: skip locally when missing, fail loudly under CI."""

import os
from pathlib import Path

import pytest

from pipeline.paths import SHARED_DIR


def require_shared(path: Path | str = SHARED_DIR) -> Path:
    """Return ``path`` if it exists; otherwise fail under ``CI=true`` and skip elsewhere."""
    path = Path(path)
    if path.exists():
        return path
    message = f"{path} is missing: these tests need the project's ../shared data folder."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
