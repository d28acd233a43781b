"""Where a batch run's records go: stdout, or a file that is either complete or not there.

A file output ``OUT`` is written as ``OUT.partial`` (the records, in order) next to it, with
``OUT.partial.index``: a header line with the run's settings, then one line per finished chunk
(its end offset in the partial file, a digest of the inputs it came from, its counts). Each
chunk is fsync'd to the partial file before its index line is written and fsync'd, so after a
crash at any moment (kill -9 included) the index names only records that are on disk; a torn
last line of either file is cut off on resume. At the end the partial file is renamed to ``OUT``
(atomic on POSIX) and the index is deleted, so ``OUT`` never holds half a run and an existing
``OUT`` is replaced only by a finished one. ``--resume`` keeps the chunks whose inputs are
unchanged and recomputes the rest (docs/batch.md).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from .errors import ClaimtraceError, Errors

INDEX_FORMAT = 1
PARTIAL_SUFFIX = ".partial"
INDEX_SUFFIX = ".partial.index"


def partial_paths(output: str | Path) -> tuple[Path, Path]:
    """``(OUT.partial, OUT.partial.index)`` for an output file."""
    out = Path(output)
    return out.with_name(out.name + PARTIAL_SUFFIX), out.with_name(out.name + INDEX_SUFFIX)


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def check_output(output: str, inputs: Iterable[str], allow_inside_input: bool = False) -> None:
    """Refuse an output that would lose or corrupt data, before any file is touched: an input
    file (E112), a file inside an input folder (E113, unless allowed), a missing folder (E114),
    a folder (E122)."""
    if output == "-":
        return
    out = Path(output)
    if out.is_dir():
        raise ClaimtraceError(Errors.E122, output=output)
    folder = out.parent
    if not folder.is_dir():
        raise ClaimtraceError(Errors.E114, folder=str(folder))
    real_out = os.path.join(os.path.realpath(folder), out.name)
    for raw in inputs:
        if raw == "-":
            continue
        path = Path(raw)
        if path.is_dir():
            if not allow_inside_input and _inside(real_out, os.path.realpath(path)):
                raise ClaimtraceError(Errors.E113, output=output, folder=raw)
        elif path.exists() and os.path.realpath(path) in (real_out, os.path.realpath(out)):
            raise ClaimtraceError(Errors.E112, output=output, input=raw)


def own_files(output: str) -> list[Path]:
    """The files a run writes (never read back as input by the same run)."""
    return [] if output == "-" else [Path(output), *partial_paths(output)]


@dataclass
class ChunkEntry:
    """One finished chunk, as its index line records it."""

    end: int  # byte offset in the partial file just after the chunk's last record
    digest: str  # of the inputs the chunk's records came from
    records: int
    failed: int
    words: int


class StdoutSink:
    """Records straight to stdout, flushed per chunk; nothing to resume."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.kept: list[ChunkEntry] = []
        self.records = 0

    def open(self) -> list[ChunkEntry]:
        return []

    def write_chunk(self, lines: list[str], entry: ChunkEntry) -> None:
        self.stream.write("".join(lines))
        self.stream.flush()
        self.records += len(lines)

    def cut(self, keep: int) -> None:
        """Nothing was kept, so there is nothing to cut."""

    def finish(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        """stdout stays open for the caller."""


class FileSink:
    """The resumable, all-or-nothing file output described in the module docstring."""

    def __init__(self, output: str | Path, run_key: dict[str, Any], resume: bool) -> None:
        self.output = Path(output)
        self.partial, self.index = partial_paths(output)
        self.run_key = run_key
        self.resume = resume
        self.kept: list[ChunkEntry] = []
        self._index_ends: list[int] = []  # byte offset in the index after each chunk line
        self._data = None
        self._log = None
        self.records = 0

    # -- opening ---------------------------------------------------------------------------
    def check(self) -> None:
        """Read-only checks (E115, E116) to run with the other validation."""
        self._read_state()


    def _read_state(
        self, partial_existed: bool | None = None
    ) -> tuple[dict[str, Any] | None, list[ChunkEntry], list[int]]:
        """The index header and chunks of an interrupted run (None, [], [] when there is none
        worth keeping); raises E115 (no --resume) or E116 (cannot be continued)."""
        if partial_existed is None:
            partial_existed = self.partial.exists()
        if not self.index.exists() or not partial_existed:
            return None, [], []  # no run, or one that finished but had not deleted its index
        header, chunks, ends = _parse_index(self.index.read_bytes())
        if header is None or not chunks:
            return None, [], []  # interrupted before a single chunk was finished
        names = {"partial": str(self.partial), "index": str(self.index)}
        records = sum(c.records for c in chunks)
        if not self.resume:
            raise ClaimtraceError(Errors.E115, records=records, **names)
        differing = sorted(
            k for k in set(header) | set(self.run_key) if header.get(k) != self.run_key.get(k)
        )
        if differing:
            detail = "; ".join(
                f"{k} was {header.get(k)!r}, now {self.run_key.get(k)!r}" for k in differing
            )
            raise ClaimtraceError(Errors.E116, detail=f"settings differ: {detail}", **names)
        size = self.partial.stat().st_size
        if size < chunks[-1].end:
            raise ClaimtraceError(
                Errors.E116,
                detail=f"it holds {size} bytes but its index lists {chunks[-1].end}",
                **names,
            )
        return header, chunks, ends

    def open(self) -> list[ChunkEntry]:
        """Create or reopen the partial files (locked against a second run) and return the
        chunks kept from an interrupted run, in order."""
        partial_existed = self.partial.exists()
        try:
            data = open(self.partial, "a+b")  # noqa: SIM115  -- held open for the whole run
        except OSError as exc:
            raise ClaimtraceError(Errors.E121, path=str(self.partial), detail=str(exc)) from exc
        try:
            fcntl.flock(data.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            data.close()
            raise ClaimtraceError(Errors.E120, output=str(self.output)) from exc
        self._data = data
        try:
            header, chunks, ends = self._read_state(partial_existed)
            if header is None:
                self._start_fresh()
            else:
                self.kept, self._index_ends = chunks, ends
                self._log = open(self.index, "r+b")  # noqa: SIM115
                self._truncate(len(chunks))
        except OSError as exc:
            self.close()
            raise ClaimtraceError(Errors.E121, path=str(self.index), detail=str(exc)) from exc
        except ClaimtraceError:
            self.close()
            raise
        self.records = sum(c.records for c in self.kept)
        return list(self.kept)

    def _start_fresh(self) -> None:
        self._data.truncate(0)
        _fsync(self._data)
        header = json.dumps({"claimtrace_partial": INDEX_FORMAT, **self.run_key}) + "\n"
        self._log = open(self.index, "w+b")  # noqa: SIM115
        self._log.write(header.encode("utf-8"))
        _fsync(self._log)
        _fsync_dir(self.output.parent)
        self._index_ends = []
        self._header_end = len(header.encode("utf-8"))

    def _truncate(self, keep: int) -> None:
        """Keep the first ``keep`` chunks of both files, dropping what follows (a torn line,
        or chunks whose inputs changed)."""
        self.kept = self.kept[:keep]
        self._index_ends = self._index_ends[:keep]
        data_end = self.kept[-1].end if self.kept else 0
        if keep:
            log_end = self._index_ends[-1]
        else:
            self._log.seek(0)
            log_end = len(self._log.readline())
        self._data.truncate(data_end)
        self._data.seek(data_end)
        _fsync(self._data)
        self._log.truncate(log_end)
        self._log.seek(log_end)
        _fsync(self._log)

    def cut(self, keep: int) -> None:
        """Forget the kept chunks from number ``keep`` on (their inputs changed)."""
        try:
            self._truncate(keep)
        except OSError as exc:
            raise ClaimtraceError(Errors.E121, path=str(self.partial), detail=str(exc)) from exc
        self.records = sum(c.records for c in self.kept)

    # -- writing ---------------------------------------------------------------------------
    def write_chunk(self, lines: list[str], entry: ChunkEntry) -> None:
        """Append a chunk's records, then its index line, each fsync'd."""
        try:
            self._data.seek(0, os.SEEK_END)
            self._data.write("".join(lines).encode("utf-8"))
            _fsync(self._data)
            entry.end = self._data.tell()
            self._log.seek(0, os.SEEK_END)
            self._log.write((json.dumps(asdict(entry)) + "\n").encode("utf-8"))
            _fsync(self._log)
        except OSError as exc:
            raise ClaimtraceError(Errors.E121, path=str(self.partial), detail=str(exc)) from exc
        self.records += len(lines)

    def finish(self) -> None:
        """Rename the partial file to the output and delete the index."""
        try:
            _fsync(self._data)
            os.replace(self.partial, self.output)
            _fsync_dir(self.output.parent)
            self._log.close()
            self._log = None
            self.index.unlink()
            _fsync_dir(self.output.parent)
        except OSError as exc:
            raise ClaimtraceError(Errors.E121, path=str(self.output), detail=str(exc)) from exc
        finally:
            self.close()

    def discard(self) -> None:
        """Remove the partial files (a run that produced no records at all)."""
        self.close()
        for path in (self.partial, self.index):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the files (and so release the lock); the partial files stay for --resume."""
        for handle in (self._log, self._data):
            if handle is not None:
                handle.close()
        self._log = self._data = None


def _parse_index(data: bytes) -> tuple[dict[str, Any] | None, list[ChunkEntry], list[int]]:
    """Header, complete chunk lines and the byte offset after each; a torn line ends it."""
    lines = data.split(b"\n")
    try:
        header = json.loads(lines[0]) if len(lines) > 1 else None
    except json.JSONDecodeError:
        return None, [], []
    if not isinstance(header, dict) or header.pop("claimtrace_partial", None) != INDEX_FORMAT:
        return None, [], []
    chunks: list[ChunkEntry] = []
    ends: list[int] = []
    offset = len(lines[0]) + 1
    for line in lines[1:-1]:  # the last item follows the last "\n": empty or torn
        try:
            chunks.append(ChunkEntry(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            break
        offset += len(line) + 1
        ends.append(offset)
    return header, chunks, ends


def _fsync(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
