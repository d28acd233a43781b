"""Strict JSONL reading shared by the gold reader, the prediction reader and the doccano push."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def iter_jsonl(
    path: str | Path, on_error: Callable[[int, json.JSONDecodeError], Exception]
) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed value)`` for each non-blank line of ``path``; a line that is
    not JSON raises the coded error ``on_error(line_number, exc)`` builds."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise on_error(number, exc) from exc
