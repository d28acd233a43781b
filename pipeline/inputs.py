"""Read articles from .txt files, folders, JSONL files or stdin, and check each one.

Every input becomes either an :class:`Article` or an :class:`InputFailure`; one bad input never
stops the others."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from .errors import ClaimtraceError, Errors

DEFAULT_MAX_CHARS = 1_000_000
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Article:
    """One article to annotate."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass
class InputFailure:
    """An input that cannot be annotated, with the coded error to report."""

    id: str
    source: str
    error: ClaimtraceError


def check_text(name: str, text: str, max_chars: int = DEFAULT_MAX_CHARS) -> None:
    """Raise a coded error if ``text`` is empty, too long or not English."""
    if not text.strip():
        raise ClaimtraceError(Errors.E001, name=name)
    if "\x00" in text:
        raise ClaimtraceError(Errors.E003, name=name)
    if len(text) > max_chars:
        raise ClaimtraceError(Errors.E004, name=name, size=len(text), limit=max_chars)
    problem = non_english_reason(text)
    if problem:
        raise ClaimtraceError(Errors.E005, name=name, detail=problem)


def non_english_reason(text: str) -> str | None:
    """Why ``text`` is probably not English, or None. Cheap: script and stop-word share."""
    words = _WORD.findall(text[:20000])
    if len(words) < 8:
        return None
    latin = sum(1 for w in words if w.isascii())
    if latin / len(words) < 0.6:
        return f"only {latin}/{len(words)} words are in Latin script"
    stop = sum(1 for w in words if w.lower() in STOP_WORDS)
    if stop / len(words) < 0.12:
        return f"only {stop / len(words):.0%} of words are English function words"
    return None


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ClaimtraceError(Errors.E003, name=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ClaimtraceError(
            Errors.E002, name=name, detail=f"byte {exc.start}: {exc.reason}"
        ) from exc


def _read_txt(path: Path, max_chars: int) -> Article | InputFailure:
    name = str(path)
    try:
        text = _decode(name, path.read_bytes())
        check_text(name, text, max_chars)
    except ClaimtraceError as err:
        return InputFailure(path.stem, name, err)
    return Article(path.stem, text, {"source": name}, name)


def _read_jsonl_lines(
    name: str, lines: Iterable[str], max_chars: int
) -> Iterator[Article | InputFailure]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fallback_id = f"{Path(name).stem}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(
                fallback_id,
                name,
                ClaimtraceError(Errors.E006, line=number, name=name, detail=exc.msg),
            )
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield InputFailure(
                fallback_id, name, ClaimtraceError(Errors.E007, line=number, name=name)
            )
            continue
        doc_id = str(obj.get("id", fallback_id))
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        try:
            check_text(f"{name} line {number}", obj["text"], max_chars)
        except ClaimtraceError as err:
            yield InputFailure(doc_id, name, err)
            continue
        yield Article(doc_id, obj["text"], meta, f"{name}:{number}")


def _read_jsonl(path: Path, max_chars: int) -> Iterator[Article | InputFailure]:
    name = str(path)
    try:
        text = _decode(name, path.read_bytes())
    except ClaimtraceError as err:
        yield InputFailure(path.stem, name, err)
        return
    yield from _read_jsonl_lines(name, text.splitlines(), max_chars)


def _read_stdin(max_chars: int) -> Iterator[Article | InputFailure]:
    try:
        text = _decode("<stdin>", sys.stdin.buffer.read())
    except ClaimtraceError as err:
        yield InputFailure("stdin", "<stdin>", err)
        return
    if text.lstrip().startswith("{"):
        yield from _read_jsonl_lines("<stdin>", text.splitlines(), max_chars)
        return
    try:
        check_text("<stdin>", text, max_chars)
    except ClaimtraceError as err:
        yield InputFailure("stdin", "<stdin>", err)
        return
    yield Article("stdin", text, {"source": "<stdin>"}, "<stdin>")


def read_inputs(
    paths: Iterable[str], max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[Article | InputFailure]:
    """Articles from each path: '-' is stdin, folders are searched for .txt and .jsonl files."""
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(max_chars)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl") and p.is_file()
            )
        elif path.is_file():
            files = [path]
        else:
            yield InputFailure(path.stem or raw, raw, ClaimtraceError(Errors.E008, name=raw))
            continue
        for f in files:
            if f.suffix == ".jsonl":
                yield from _read_jsonl(f, max_chars)
            else:
                yield _read_txt(f, max_chars)
