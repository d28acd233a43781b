"""Private files: everything the doccano bridge writes next to the server (database, logs,
secret key, PID files, push state, backups) is readable by its owner only (0600; folders
0700), whatever folder the user gave and whatever the process umask is."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077  # for the server processes: what they create is private too


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder keeps its mode."""
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists and is 0600 (creating it empty if needed)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to a 0600 file."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, FILE_MODE)
    tmp.replace(path)


def tighten(folder: Path) -> None:
    """Make every file under ``folder`` 0600 and every sub-folder 0700 (the folder itself keeps
    its mode: the user chose it)."""
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):
            if path.is_symlink():
                continue
            os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
