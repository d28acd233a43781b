"""JSONL reading and writing shared by the batch reader, the gold reader, the prediction reader
and the doccano push.

JSONL lines end at ``\\n`` only. ``str.splitlines()`` and Python's default text mode also break at
U+2028, U+2029, U+0085 or a lone ``\\r``, which ``json.dumps(ensure_ascii=False)`` leaves
unescaped inside strings, so one record would become two broken ones. When writing, those
characters are escaped, so claimtrace's own output survives readers that split naively."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

# Characters some readers treat as line ends; inside a JSON string they may be written escaped.
_LINE_LIKE = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def iter_jsonl(
    path: str | Path, on_error: Callable[[int, json.JSONDecodeError], Exception]
) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed value)`` for each non-blank line of ``path``; a line that is
    not JSON raises the coded error ``on_error(line_number, exc)`` builds."""
    with Path(path).open(encoding="utf-8-sig", newline="\n") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise on_error(number, exc) from exc


def iter_raw_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, bytes without the line end)`` for every line of a binary stream,
    split at ``\\n`` only; a line longer than ``max_bytes`` is skipped unread and yields ``None``
    (memory stays bounded however long the line)."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = handle.readline(1 << 20)
            yield number, None
            continue
        yield number, line.rstrip(b"\n").rstrip(b"\r")


def dumps_line(record: Any) -> str:
    """One JSONL line (with its ``\\n``): UTF-8 kept readable, line-like characters escaped."""
    text = json.dumps(record, ensure_ascii=False)
    if any(ch in text for ch in _LINE_LIKE):
        for ch, escaped in _LINE_LIKE.items():
            text = text.replace(ch, escaped)
    return text + "\n"
