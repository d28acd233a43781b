"""Read and write the project's own gold JSONL (``corpus/gold/*.jsonl``, docs/evaluation.md).

A line holds either the article ``text`` or a ``text_source`` path (relative to the repository
root) plus its ``text_sha256``, so texts we may not redistribute stay out of the repository while
the offsets stay checkable.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.brat import read_text
from pipeline.evaluate.items import (
    GOLD_QUOTE_TYPES,
    NEGATIVE_KINDS,
    GoldDoc,
    GoldNegative,
    GoldQuote,
    has_quote_mark,
)
from pipeline.jsonl import iter_jsonl
from pipeline.paths import REPO_ROOT, resolve


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 bytes of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_article_text(record: dict, root: Path = REPO_ROOT) -> str:
    """The gold article's text: inline ``text``, or ``text_source`` checked against its hash."""
    if isinstance(record.get("text"), str):
        return record["text"]
    source = record["text_source"]
    path = Path(source) if Path(source).is_absolute() else root / source
    if not path.exists():
        raise ClaimtraceError(Errors.E402, id=record.get("id"), path=str(path))
    text = read_text(path)
    expected = record.get("text_sha256")
    actual = sha256_text(text)
    if expected != actual:
        raise ClaimtraceError(Errors.E403, id=record.get("id"), path=str(path),
                              actual=actual, expected=expected)
    return text


def _span(obj: dict | None, text: str, what: str) -> tuple[int, int] | None:
    if obj is None:
        return None
    start, end = obj["start"], obj["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise ValueError(f"{what} span {start}-{end} is outside the text ({len(text)} chars)")
    return start, end


def _fragments(obj: dict | None, text: str, what: str) -> list[tuple[int, int]] | None:
    """A span's optional ``fragments`` (discontinuous gold, e.g. imported from brat), else
    its ``start``/``end`` as one fragment."""
    start_end = _span(obj, text, what)
    if start_end is None:
        return None
    if not obj.get("fragments"):
        return [start_end]
    return [_span({"start": s, "end": e}, text, what) for s, e in obj["fragments"]]


def _quote(item: dict, text: str) -> GoldQuote:
    content = _fragments(item, text, "quote")
    if item.get("type") not in GOLD_QUOTE_TYPES:
        raise ValueError(f"quote type {item.get('type')!r} is not one of {GOLD_QUOTE_TYPES}")
    speaker = item.get("speaker") or {}
    return GoldQuote(
        fragments=content, type=item["type"],
        cue=_fragments(item.get("cue"), text, "cue"),
        source=_fragments(speaker.get("mention"), text, "speaker mention"),
        name=speaker.get("name"), aliases=list(speaker.get("aliases") or []),
        has_quote_mark=has_quote_mark("".join(text[s:e] for s, e in content)),
    )


def _negative(item: dict, text: str) -> GoldNegative:
    start, end = _span(item, text, "negative")
    if item.get("kind") not in NEGATIVE_KINDS:
        raise ValueError(f"negative kind {item.get('kind')!r} is not one of {NEGATIVE_KINDS}")
    return GoldNegative(start, end, item["kind"])


def parse_gold_record(record: dict, name: str = "<string>", line: int = 1,
                      root: Path = REPO_ROOT) -> GoldDoc:
    """One gold JSONL object -> ``GoldDoc`` (text loaded and offsets checked)."""
    try:
        doc_id = str(record["id"])
        text = load_article_text(record, root)
        quotes = sorted((_quote(q, text) for q in record.get("quotes", [])),
                        key=lambda q: (q.start, q.end))
        negatives = [_negative(n, text) for n in record.get("negatives", [])]
    except ClaimtraceError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ClaimtraceError(Errors.E404, line=line, name=name, detail=repr(exc)) from exc
    return GoldDoc(id=doc_id, text=text, quotes=quotes, negatives=negatives, source=name)


def read_gold_jsonl(path: str | Path, root: Path = REPO_ROOT) -> list[GoldDoc]:
    """Read one gold JSONL file."""
    path = Path(path)
    if not path.exists():
        raise ClaimtraceError(Errors.E401, path=str(path))
    docs = []
    def bad_line(number: int, exc: json.JSONDecodeError) -> ClaimtraceError:
        return ClaimtraceError(Errors.E404, line=number, name=str(path), detail=str(exc))

    for number, record in iter_jsonl(path, bad_line):
        docs.append(parse_gold_record(record, str(path), number, root))
    return docs


def gold_jsonl_files(path: str | Path) -> list[Path]:
    """A gold file, or the ``*.jsonl`` files of a folder, sorted."""
    path = resolve(path) if not Path(path).exists() else Path(path)
    if not path.exists():
        raise ClaimtraceError(Errors.E401, path=str(path))
    files = [path] if path.is_file() else sorted(path.glob("*.jsonl"))
    if not files:
        raise ClaimtraceError(Errors.E406, path=str(path), fmt="jsonl")
    return files


def span_dict(start: int, end: int) -> dict:
    """``{"start", "end"}`` as written in gold files."""
    return {"start": start, "end": end}


def write_gold_jsonl(records: list[dict], path: str | Path) -> None:
    """Write gold records, one compact JSON object per line (keys in a stable order)."""
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
