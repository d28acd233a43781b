"""Read articles from .txt files, folders, JSONL files or stdin, one at a time, and check each.

Every input becomes an :class:`Article` or an :class:`InputFailure` (an error record in the
output), so one bad input never stops the others. Inputs are streamed: a folder is walked and a
JSONL file read line by line while the pipeline runs, so memory does not grow with the batch.
A file that is not read at all (other suffixes, hidden entries, link loops, the run's own output)
is reported through ``on_skip``; nothing is passed over silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import ClaimtraceError, Errors
from .jsonl import iter_raw_lines
from .normalise import visible

DEFAULT_MAX_CHARS = 1_000_000
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
ID_MODES = ("stem", "path")
_WORD = re.compile(r"[^\W\d_]+")
_SNIFF_BYTES = 8192

SkipHandler = Callable[[str, str], None]
"""Called as ``on_skip(path, reason)`` for every file or folder the reader does not read."""


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


InputItem = Article | InputFailure


def check_text(name: str, text: str, max_chars: int = DEFAULT_MAX_CHARS) -> None:
    """Raise a coded error if ``text`` is empty, too long or not English."""
    if "\x00" in text:
        raise ClaimtraceError(Errors.E003, name=name)
    if len(text) > max_chars:
        raise ClaimtraceError(Errors.E004, name=name, size=len(text), limit=max_chars)
    seen = visible(text)
    if not seen.strip():
        raise ClaimtraceError(Errors.E001, name=name)
    problem = non_english_reason(seen)
    if problem:
        raise ClaimtraceError(Errors.E005, name=name, detail=problem)


def non_english_reason(text: str) -> str | None:
    """Why ``text`` is probably not English, or None. Cheap: script and stop-word share."""
    from spacy.lang.en.stop_words import STOP_WORDS  # here: importing spaCy is not free

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


def max_file_bytes(max_chars: int) -> int:
    """The most bytes a .txt article of ``max_chars`` characters can take in UTF-8 (+ BOM)."""
    return max_chars * 4 + 3


def max_line_bytes(max_chars: int) -> int:
    """The longest JSONL line read: the text fully \\u-escaped (12 bytes per character for a
    surrogate pair) plus 1 MiB for the id, meta and syntax."""
    return max_chars * 12 + (1 << 20)


def _decode(name: str, data: bytes, first: bool = True) -> str:
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ClaimtraceError(Errors.E003, name=name)
    try:
        return data.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        raise ClaimtraceError(
            Errors.E002, name=name, detail=f"byte {exc.start}: {exc.reason}"
        ) from exc


def _os_reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def _is_input_name(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES


def _json_kind(value: Any) -> str:
    return {list: "list", dict: "object", bool: "boolean", float: "number"}.get(
        type(value), type(value).__name__
    )


def spool_stdin(stream: BinaryIO | None = None) -> Path:
    """Copy stdin to a temporary file (deleted by the caller) so it can be read more than once:
    once to see whether any article asks for stance, once to annotate it."""
    handle, name = tempfile.mkstemp(prefix="claimtrace-stdin-", suffix=".bin")
    with os.fdopen(handle, "wb") as out:
        shutil.copyfileobj(stream or sys.stdin.buffer, out, 1 << 20)
    return Path(name)


class InputReader:
    """Iterate the articles of ``paths`` in order ('-' is stdin; folders are walked in name order,
    following symbolic links; ``.txt`` and ``.jsonl`` in any letter case are read).

    ``ids`` is ``"stem"`` (a file's id is its name without the suffix) or ``"path"`` (its path
    inside the folder given, without the suffix). ``exclude`` holds real paths never read (the
    run's own output files). ``stdin_path`` replaces '-' with a spooled copy of stdin."""

    def __init__(
        self,
        paths: Iterable[str],
        max_chars: int = DEFAULT_MAX_CHARS,
        *,
        ids: str = "stem",
        exclude: Iterable[str | Path] = (),
        on_skip: SkipHandler | None = None,
        stdin_path: Path | None = None,
    ) -> None:
        if ids not in ID_MODES:
            raise ValueError(f"ids must be one of {ID_MODES}, not {ids!r}")
        self.paths = list(paths)
        self.max_chars = max_chars
        self.ids = ids
        self.exclude = {os.path.realpath(p) for p in exclude}
        self.on_skip = on_skip or (lambda path, reason: None)
        self.stdin_path = stdin_path

    # -- walking ---------------------------------------------------------------------------
    def _files(self) -> Iterator[tuple[Path, str] | InputFailure]:
        """Every file to read with its id stem, or a failure for a path that cannot be used;
        the same file reached twice (a folder given twice, a link) is read once."""
        seen: dict[tuple[int, int], str] = {}
        for raw in self.paths:
            if raw == "-":
                yield Path("-"), "stdin"
                continue
            path = Path(raw)
            if path.is_symlink() and not path.exists():
                yield InputFailure(path.stem or raw, raw, ClaimtraceError(
                    Errors.E013, name=raw, target=os.readlink(path)))
                continue
            if path.is_dir():
                walked = self._walk_folder(path)
            elif path.exists():
                walked = iter([(path, self._id_stem(path, path.parent, given=True))])
            else:
                yield InputFailure(path.stem or raw, raw, ClaimtraceError(Errors.E008, name=raw))
                continue
            for entry in walked:
                if isinstance(entry, InputFailure):
                    yield entry
                    continue
                file, stem = entry
                if os.path.realpath(file) in self.exclude:
                    self.on_skip(str(file), "this run's own output file")
                    continue
                try:
                    st = file.stat()
                except OSError:
                    yield entry  # reading it reports the error
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    self.on_skip(str(file), f"same file as {seen[key]}, already read")
                    continue
                seen[key] = str(file)
                yield entry

    def _id_stem(self, file: Path, root: Path, given: bool = False) -> str:
        if self.ids == "stem" or given:
            return file.stem if self.ids == "stem" else str(file.with_suffix(""))
        return file.relative_to(root).with_suffix("").as_posix()

    def _walk_folder(self, folder: Path) -> Iterator[tuple[Path, str] | InputFailure]:
        """The walk of one folder given on the command line; E018 when it holds no input."""
        found = False
        for entry in self._walk(folder, folder, {os.path.realpath(folder)}):
            found = True
            yield entry
        if not found:
            name = str(folder)
            yield InputFailure(folder.name or name, name, ClaimtraceError(Errors.E018, name=name))

    def _walk(
        self, folder: Path, root: Path, ancestors: set[str]
    ) -> Iterator[tuple[Path, str] | InputFailure]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            name = str(folder)
            yield InputFailure(folder.name or name, name, ClaimtraceError(
                Errors.E012, name=name, detail=_os_reason(exc)))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                kind = "folder" if entry.is_dir() else "file"
                self.on_skip(str(path), f"hidden {kind}")
                continue
            if entry.is_symlink() and not path.exists():
                if _is_input_name(path):
                    yield InputFailure(self._id_stem(path, root), str(path), ClaimtraceError(
                        Errors.E013, name=str(path), target=os.readlink(path)))
                else:
                    self.on_skip(str(path), f"broken symbolic link to {os.readlink(path)}")
                continue
            if entry.is_dir():
                real = os.path.realpath(path)
                if real in ancestors:
                    self.on_skip(str(path), "symbolic link back into its own folder (a loop)")
                    continue
                yield from self._walk(path, root, ancestors | {real})
            elif not entry.is_file():
                self.on_skip(str(path), "not a regular file")
            elif _is_input_name(path):
                yield path, self._id_stem(path, root)
            else:
                self.on_skip(str(path), "not a .txt or .jsonl file")

    # -- reading ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[InputItem]:
        for entry in self._files():
            if isinstance(entry, InputFailure):
                yield entry
                continue
            path, stem = entry
            if str(path) == "-":
                yield from self._read_stdin()
            elif _is_jsonl(path):
                yield from self._read_jsonl_file(path, stem)
            else:
                yield self._read_txt(path, stem)

    def _read_txt(self, path: Path, doc_id: str) -> InputItem:
        name = str(path)
        try:
            with path.open("rb") as handle:
                return self._text_article(name, doc_id, handle)
        except OSError as exc:
            return InputFailure(doc_id, name, ClaimtraceError(
                Errors.E012, name=name, detail=_os_reason(exc)))

    def _text_article(self, name: str, doc_id: str, handle: BinaryIO) -> InputItem:
        """One article from a whole stream, read no further than --max-chars can need."""
        limit = max_file_bytes(self.max_chars)
        data = handle.read(limit + 1)
        try:
            if len(data) > limit:
                raise ClaimtraceError(
                    Errors.E004, name=name, size=f"more than {self.max_chars}",
                    limit=self.max_chars,
                )
            text = _decode(name, data)
            check_text(name, text, self.max_chars)
        except ClaimtraceError as err:
            return InputFailure(doc_id, name, err)
        return Article(doc_id, text, {"source": name}, name)

    def _read_jsonl_file(self, path: Path, stem: str) -> Iterator[InputItem]:
        name = str(path)
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield InputFailure(stem, name, ClaimtraceError(
                Errors.E012, name=name, detail=_os_reason(exc)))
            return
        with handle:
            yield from self._read_jsonl_stream(name, stem, handle)

    def _read_jsonl_stream(self, name: str, stem: str, handle: BinaryIO) -> Iterator[InputItem]:
        try:
            head = handle.read(_SNIFF_BYTES)
            handle.seek(0)
            if b"\x00" in head:
                raise ClaimtraceError(Errors.E003, name=name)
            lines = iter_raw_lines(handle, max_line_bytes(self.max_chars))
            empty = True
            for number, raw in lines:
                item = self._jsonl_item(name, stem, number, raw)
                if item is not None:
                    empty = False
                    yield item
            if empty:
                raise ClaimtraceError(Errors.E001, name=name)
        except ClaimtraceError as err:
            yield InputFailure(stem, name, err)
        except OSError as exc:
            yield InputFailure(stem, name, ClaimtraceError(
                Errors.E012, name=name, detail=_os_reason(exc)))

    def _jsonl_item(self, name: str, stem: str, number: int, raw: bytes | None) -> InputItem | None:
        fallback_id = f"{stem}:{number}"
        where = f"{name}:{number}"
        if raw is None:
            return InputFailure(fallback_id, where, ClaimtraceError(
                Errors.E017, line=number, name=name, limit=max_line_bytes(self.max_chars)))
        try:
            line = _decode(f"{name} line {number}", raw, first=number == 1)
        except ClaimtraceError as err:
            return InputFailure(fallback_id, where, err)
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return InputFailure(fallback_id, where, ClaimtraceError(
                Errors.E006, line=number, name=name, detail=exc.msg))
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            return InputFailure(fallback_id, where, ClaimtraceError(
                Errors.E007, line=number, name=name))
        raw_id = obj.get("id")
        if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
            doc_id = fallback_id  # missing, null or empty: FILE:LINE (docs/batch.md)
        elif isinstance(raw_id, str):
            doc_id = raw_id
        elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
            doc_id = str(raw_id)
        else:
            return InputFailure(fallback_id, where, ClaimtraceError(
                Errors.E011, line=number, name=name, kind=_json_kind(raw_id)))
        meta = obj.get("meta", {})
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            return InputFailure(doc_id, where, ClaimtraceError(
                Errors.E014, line=number, name=name, kind=_json_kind(meta)))
        try:
            check_targets(where, meta)
            check_text(f"{name} line {number}", obj["text"], self.max_chars)
        except ClaimtraceError as err:
            return InputFailure(doc_id, where, err)
        return Article(doc_id, obj["text"], meta, where)

    def _read_stdin(self) -> Iterator[InputItem]:
        name = "<stdin>"
        spooled = self.stdin_path or spool_stdin()
        try:
            with spooled.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
                handle.seek(0)
                if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
                    yield from self._read_jsonl_stream(name, "stdin", handle)
                else:
                    yield self._text_article(name, "stdin", handle)
        finally:
            if self.stdin_path is None:
                spooled.unlink(missing_ok=True)

    # -- looking ahead ---------------------------------------------------------------------
    def has_stance_targets(self) -> bool:
        """Whether any JSONL article carries meta.targets: one quick pass over the JSONL inputs
        (only lines mentioning "targets" are parsed), reporting nothing."""
        quiet = InputReader(self.paths, self.max_chars, ids=self.ids, exclude=self.exclude,
                            stdin_path=self.stdin_path)
        for entry in quiet._files():
            if isinstance(entry, InputFailure):
                continue
            path = self.stdin_path if str(entry[0]) == "-" else entry[0]
            if path is None or not (_is_jsonl(entry[0]) or str(entry[0]) == "-"):
                continue
            try:
                with path.open("rb") as handle:
                    for _, raw in iter_raw_lines(handle, max_line_bytes(self.max_chars)):
                        if raw and b'"targets"' in raw and _line_has_targets(raw):
                            return True
            except OSError:
                continue
        return False


def _line_has_targets(raw: bytes) -> bool:
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    meta = obj.get("meta") if isinstance(obj, dict) else None
    targets = meta.get("targets") if isinstance(meta, dict) else None
    return isinstance(targets, list) and any(isinstance(t, str) and t.strip() for t in targets)


def check_targets(name: str, meta: dict[str, Any]) -> None:
    """Raise E015 unless ``meta.targets`` is absent or a list of non-empty strings."""
    targets = meta.get("targets")
    if targets is None:
        return
    if not isinstance(targets, list):
        raise ClaimtraceError(Errors.E015, name=name, detail=f"a {_json_kind(targets)}")
    for target in targets:
        if not isinstance(target, str) or not target.strip():
            raise ClaimtraceError(Errors.E015, name=name, detail=f"item {target!r}")


def article_targets(article: Article) -> list[str]:
    """The article's own stance targets (meta.targets), already checked by the reader."""
    targets = article.meta.get("targets") if isinstance(article.meta, dict) else None
    return [t for t in targets if isinstance(t, str) and t.strip()] if targets else []


def unique_ids(items: Iterable[InputItem]) -> Iterator[InputItem]:
    """Pass items through, turning an article whose id was already used into an E010 error
    record that names the first user (the doccano push and the corpus need unique ids)."""
    first: dict[str, str] = {}
    for item in items:
        earlier = first.get(item.id)
        if earlier is None:
            first[item.id] = item.source or item.id
            yield item
        elif isinstance(item, Article):
            yield InputFailure(item.id, item.source, ClaimtraceError(
                Errors.E010, name=item.source or item.id, id=item.id, first=earlier))
        else:
            yield item


def read_inputs(
    paths: Iterable[str],
    max_chars: int = DEFAULT_MAX_CHARS,
    *,
    ids: str = "stem",
    on_skip: SkipHandler | None = None,
) -> Iterator[InputItem]:
    """Articles from each path ('-' is stdin; folders are searched for .txt and .jsonl files),
    streamed, with duplicate ids turned into E010 error records."""
    return unique_ids(InputReader(paths, max_chars, ids=ids, on_skip=on_skip))
