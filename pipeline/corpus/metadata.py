"""Article metadata from an input's ``meta`` and the command's flags, checked.

An input's own ``meta`` wins; flags (``--source``, ``--license`` ...) fill what it leaves out.
Keys the corpus has no column for are kept, as a JSON object string, in ``extra``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.corpus.ids import SPLITS
from pipeline.errors import ClaimtraceError, Errors

COLUMNS = ("title", "source", "url", "date", "language", "license", "split", "targets")
ALIASES = {"publisher": "source", "sitename": "source", "outlet": "source", "headline": "title",
           "published": "date", "publication_date": "date", "lang": "language"}
# YYYY, YYYY-MM, YYYY-MM-DD, optionally with a time and zone (ISO 8601).
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                   r"(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def check_metadata(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the column values (E514 on a bad date, url, split or targets)."""
    out = {key: _text(fields.get(key)) for key in COLUMNS if key != "targets"}
    if out["date"] and not _DATE.match(out["date"]):
        raise ClaimtraceError(Errors.E514, name=name, detail=f"date {out['date']!r}")
    if out["url"] and not re.match(r"^https?://\S+$", out["url"]):
        raise ClaimtraceError(Errors.E514, name=name, detail=f"url {out['url']!r}")
    split = (out["split"] or "auto").lower()
    if split not in (*SPLITS, "auto"):
        raise ClaimtraceError(Errors.E514, name=name, detail=f"split {out['split']!r}")
    out["split"] = split
    targets = fields.get("targets") or []
    if isinstance(targets, str):
        targets = [targets]
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise ClaimtraceError(Errors.E514, name=name, detail="targets must be a list of strings")
    out["targets"] = list(dict.fromkeys(t.strip() for t in targets if t.strip()))
    out["language"] = (out["language"] or "en").lower()
    out["license"] = out["license"] or "unknown"
    return out


def merge_metadata(meta: dict[str, Any], defaults: dict[str, Any]) -> tuple[dict, dict]:
    """``(columns, extra)``: the input's meta over the flag defaults, aliases mapped to columns."""
    columns: dict[str, Any] = {k: v for k, v in defaults.items() if v not in (None, "", [])}
    extra: dict[str, Any] = {}
    for key, value in (meta or {}).items():
        column = ALIASES.get(key, key)
        if column in COLUMNS:
            if value not in (None, "", []):
                columns[column] = value
        else:
            extra[key] = value
    return columns, extra


def extra_json(extra: dict[str, Any]) -> str:
    """The ``extra`` column: a JSON object as a string (one Arrow type whatever it holds)."""
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str)
