"""Stream claimtrace records from an annotated JSONL file, with coded errors.

The file may be large (a whole corpus), so records are yielded one at a time and never held
together. A line that is not JSON, or not a record, stops the read with an error naming the line:
a report built from part of a file would silently misstate the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ClaimtraceError, Errors

LIST_FIELDS = ("actors", "quotes", "claims")


@dataclass
class Line:
    """One record and where it came from."""

    number: int
    record: dict[str, Any]
    offset: int = 0

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def is_error(self) -> bool:
        return "error" in self.record


def objects(value: Any) -> list[dict]:
    """The objects in a list field; anything else (a missing or malformed field) is none."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def number(value: Any, default: float = 0.0) -> float:
    """A numeric field as float; a missing or non-numeric value gives ``default``."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else default


def check_record(record: Any, path: str, number: int) -> dict[str, Any]:
    """Return ``record`` if it has the shape the reports read, else raise E603.

    This is the structural minimum (id, text, lists of objects), cheap enough for 10,000
    articles; full schema validation is `pipeline.record.validate_record`.
    """
    def bad(detail: str) -> ClaimtraceError:
        return ClaimtraceError(Errors.E603, line=number, path=path, detail=detail)

    if not isinstance(record, dict):
        raise bad(f"a JSON {type(record).__name__}, not an object")
    if "id" not in record or not isinstance(record["id"], str | int):
        raise bad('no string "id"')
    if "error" in record:
        if not isinstance(record["error"], dict):
            raise bad('"error" is not an object')
        return record
    if not isinstance(record.get("text"), str):
        raise bad('no string "text"')
    for field in LIST_FIELDS:
        items = record.get(field, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise bad(f'"{field}" is not a list of objects')
    return record


def iter_lines(path: str | Path,
               keep: Callable[[int, str], bool] | None = None) -> Iterator[Line]:
    """Yield every record of ``path`` in file order (blank lines skipped). Each ``Line`` knows
    the byte offset where it ends, for progress bars over big files. ``keep(number, text)``, if
    given, skips lines before they are parsed (looking up one article in a big file)."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise ClaimtraceError(Errors.E601, path=name)
    with path.open("rb") as handle:
        number = 0
        offset = 0
        for raw in handle:
            number += 1
            offset += len(raw)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ClaimtraceError(Errors.E610, path=name,
                                      detail=f"line {number}: {exc.reason}") from exc
            if number == 1:
                line = line.removeprefix("\ufeff")  # a BOM some editors add
            if not line.strip() or (keep is not None and not keep(number, line)):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ClaimtraceError(Errors.E602, line=number, path=name,
                                      detail=exc.msg) from exc
            yield Line(number, check_record(record, name, number), offset)
