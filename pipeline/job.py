"""One ``claimtrace annotate`` run: check everything, then stream inputs through the pipeline
into a safe output, resumably. docs/batch.md describes the behaviour; this module is its order:

1. options, output path, config and ``--set`` keys, an interrupted run's state, the Dask
   scheduler: all checked before any file is touched (exit 2 on a problem);
2. the run decides whether it needs the stance model at all (any target in the config, on the
   command line or in an article's meta.targets) and leaves it out otherwise;
3. inputs are read lazily and cut into chunks of ``--batch-size`` items; each chunk's records are
   written and fsync'd together, so ``--resume`` restarts at a chunk boundary and the output
   equals an uninterrupted run's;
4. exit 0 (all annotated), 1 (some inputs became error records), 2 (usage or config error,
   nothing written), 3 (the run stopped on a write or cluster failure; finished records kept for
   ``--resume``), 130 (interrupted; a summary line says what was kept).
"""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import SCHEMA_VERSION, __version__
from .annotate import RunSpec, failure_record, short_reason
from .errors import ClaimtraceError, Errors
from .inputs import (
    DEFAULT_MAX_CHARS,
    ID_MODES,
    Article,
    InputFailure,
    InputItem,
    InputReader,
    spool_stdin,
    unique_ids,
)
from .jsonl import dumps_line
from .output import ChunkEntry, FileSink, StdoutSink, check_output, own_files, partial_paths
from .runtime import lean_imports, quiet_libraries

EXIT_OK = 0
EXIT_INPUTS_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_INTERRUPTED = 130
STANCE_FACTORY = "claimtrace_stance"


@dataclass
class JobOptions:
    """The options of ``claimtrace annotate`` (see its --help)."""

    inputs: list[str]
    output: str = "-"
    config: str = "configs/default.cfg"
    overrides: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    batch_size: int = 64
    max_chars: int = DEFAULT_MAX_CHARS
    dask: str = ""
    workers: int | None = None
    resume: bool = False
    allow_output_in_input: bool = False
    ids: str = "stem"


class Reporter:
    """Everything the run says, on stderr; paths and messages are printed as plain text (a file
    called ``[bold]x.txt`` is shown as such, never interpreted as markup)."""

    def __init__(self, console: Console | None = None, progress: bool | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.show_progress = self.console.is_terminal if progress is None else progress
        self.skipped = 0
        self._progress: Progress | None = None
        self._task = None

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(
            text, style=style, markup=False, highlight=False, emoji=False, soft_wrap=True
        )

    def skip(self, path: str, reason: str) -> None:
        self.skipped += 1
        self.say(f"skipped {path}: {reason}", "yellow")

    def error_record(self, record: dict[str, Any]) -> None:
        e = record["error"]
        where = record.get("source") or record["id"]
        self.say(f"{where}: [{e['code']}] {e['message']} {e['hint']}", "yellow")

    def problem(self, err: BaseException) -> None:
        self.say(str(err), "red")

    def start_progress(self, done: int) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("annotating: {task.completed} records"),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.show_progress,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("annotating", total=None, completed=done)

    def advance(self, n: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@dataclass
class Tally:
    """What the run produced so far (kept chunks of an interrupted run included)."""

    records: int = 0
    failed: int = 0
    words: int = 0
    reused: int = 0

    def add(self, entry: ChunkEntry) -> None:
        self.records += entry.records
        self.failed += entry.failed
        self.words += entry.words


def validate_options(opts: JobOptions) -> None:
    """Raise E110 / E117 for option values no run can use."""

    def bad(option: str, rule: str, value: object) -> ClaimtraceError:
        return ClaimtraceError(Errors.E110, option=option, rule=rule, value=value)

    if opts.batch_size < 1:
        raise bad("--batch-size", "at least 1", opts.batch_size)
    if opts.max_chars < 1:
        raise bad("--max-chars", "at least 1", opts.max_chars)
    if opts.workers is not None and opts.workers < 1:
        raise bad("--workers", "at least 1", opts.workers)
    if opts.dask not in ("", "local") and opts.workers is not None:
        raise bad("--workers", "left out with --dask ADDRESS (the cluster has its workers)",
                  opts.workers)
    if opts.dask and not opts.dask.strip():
        raise bad("--dask", "'local' or a scheduler address", opts.dask)
    if opts.ids not in ID_MODES:
        raise bad("--ids", " or ".join(ID_MODES), opts.ids)
    for target in opts.targets:
        if not target.strip():
            raise bad("--target", "a non-empty text", target)
    if opts.resume and opts.output == "-":
        raise ClaimtraceError(Errors.E117, option="--resume")
    if not opts.inputs:
        raise bad("INPUTS", "at least one path or '-'", "")


def _stance_components(config: str, overrides: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(names of the stance components in the pipeline, the config's stance targets)."""
    import spacy
    from confection import ConfigValidationError

    from .build import config_file

    path = config_file(config)
    if path is None:
        raise ClaimtraceError(Errors.E101, path=str(config))
    try:
        cfg = spacy.util.load_config(path, overrides=overrides, interpolate=True)
    except (ConfigValidationError, ValueError, KeyError) as exc:
        raise ClaimtraceError(Errors.E111, path=config, detail=short_reason(exc)) from exc
    components = cfg.get("components", {})
    names = [
        n for n in cfg.get("nlp", {}).get("pipeline", [])
        if isinstance(components.get(n), dict) and components[n].get("factory") == STANCE_FACTORY
    ]
    targets = [t for n in names for t in components[n].get("targets") or []]
    return names, targets


def plan_run(opts: JobOptions, reader: InputReader, reporter: Reporter) -> RunSpec:
    """Read the config (E101, E104, E111), decide whether the run needs stance at all, and
    describe the pipeline every process of the run builds."""
    from .build import parse_overrides
    from .paths import resolve

    overrides = parse_overrides(opts.overrides)
    stance_names, config_targets = _stance_components(opts.config, overrides)
    wants_stance = bool(stance_names) and bool(
        config_targets or opts.targets or reader.has_stance_targets()
    )
    exclude = () if wants_stance else tuple(stance_names)
    for key in overrides:
        if any(key.startswith(f"components.{n}.") for n in exclude):
            reporter.say(f"note: --set {key} is not checked: the stance component is left out "
                         "of this run (no stance targets)")
    path = resolve(opts.config)  # a package name (the installed pipeline) is passed on as is
    return RunSpec(
        config=str(path) if path.exists() else opts.config,
        overrides_json=json.dumps(overrides, sort_keys=True),
        config_name=opts.config,
        targets=tuple(t.strip() for t in opts.targets),
        exclude=exclude,
        max_chars=opts.max_chars,
        one_thread=bool(opts.dask) or (opts.workers or 1) > 1,
    )


def make_engine(opts: JobOptions, spec: RunSpec):
    """The engine the options ask for (not started)."""
    if opts.dask:
        from .distributed import DaskEngine

        return DaskEngine(spec, opts.dask, opts.workers or 2)
    if (opts.workers or 1) > 1:
        from .workers import ProcessEngine

        return ProcessEngine(spec, opts.workers)
    from .workers import InProcessEngine

    return InProcessEngine(spec)


def item_digest(item: InputItem) -> bytes:
    """What an item's record depends on, hashed: id, text and meta (or the input error)."""
    if isinstance(item, Article):
        payload: list[Any] = ["article", item.id, item.text, item.meta]
    else:
        payload = ["failure", item.id, item.source, item.error.to_dict()]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).digest()


def chunk_digest(chunk: list[InputItem]) -> str:
    return hashlib.sha256(b"".join(item_digest(it) for it in chunk)).hexdigest()


def chunked(items: Iterable[InputItem], size: int) -> Iterator[list[InputItem]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise _Interrupted()


def run_job(opts: JobOptions, reporter: Reporter | None = None, stdout=None) -> int:
    """Run ``claimtrace annotate`` and return its exit code."""
    reporter = reporter or Reporter()
    quiet_libraries()
    lean_imports()
    stdin_path: Path | None = None
    engine = sink = None
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        try:
            validate_options(opts)
            check_output(opts.output, opts.inputs, opts.allow_output_in_input)
            if "-" in opts.inputs:
                stdin_path = spool_stdin()
            reader = InputReader(
                opts.inputs, opts.max_chars, ids=opts.ids, exclude=own_files(opts.output),
                on_skip=reporter.skip, stdin_path=stdin_path,
            )
            spec = plan_run(opts, reader, reporter)
            if opts.output != "-" and not opts.resume:  # say so before loading anything
                FileSink(opts.output, {}, resume=False).check()
            engine = make_engine(opts, spec)
            config_hash = engine.start()
            run_key = {
                "claimtrace": __version__,
                "schema_version": SCHEMA_VERSION,
                "config_hash": config_hash,
                "targets": list(spec.targets),
                "excluded": list(spec.exclude),
                "batch_size": opts.batch_size,
                "max_chars": opts.max_chars,
                "ids": opts.ids,
            }
            if opts.output == "-":
                sink = StdoutSink(stdout or sys.stdout)
            else:
                sink = FileSink(opts.output, run_key, opts.resume)
                sink.check()
        except ClaimtraceError as err:
            reporter.problem(err)
            if "nothing was written" not in str(err):
                reporter.say("nothing was written", "red")
            return EXIT_USAGE
        except KeyboardInterrupt:
            reporter.say("interrupted before any record was written", "red")
            return EXIT_INTERRUPTED
        return _stream(opts, reader, engine, sink, reporter)
    finally:
        if engine is not None:
            engine.close()
        if stdin_path is not None:
            stdin_path.unlink(missing_ok=True)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _stream(opts: JobOptions, reader: InputReader, engine, sink, reporter: Reporter) -> int:
    """Annotate and write; handles interruption and run failures."""
    tally = Tally()
    started = time.perf_counter()
    try:
        kept = sink.open()
    except ClaimtraceError as err:
        reporter.problem(err)
        return EXIT_USAGE if err.code == "E120" else EXIT_STOPPED
    pending: deque[tuple[list[InputItem], str]] = deque()
    state = {"cut": False, "chunks": 0}

    def engine_chunks() -> Iterator[list[Article]]:
        for number, chunk in enumerate(chunked(unique_ids(reader), opts.batch_size)):
            state["chunks"] = number + 1
            digest = chunk_digest(chunk)
            if number < len(kept) and not state["cut"]:
                if kept[number].digest == digest:
                    tally.add(kept[number])
                    tally.reused += kept[number].records
                    reporter.advance(kept[number].records)
                    continue
                sink.cut(number)
                state["cut"] = True
                reporter.say(f"note: the inputs changed from record {tally.records + 1} on; "
                             "recomputing from there")
            pending.append((chunk, digest))
            yield [it for it in chunk if isinstance(it, Article)]
        if state["chunks"] < len(kept) and not state["cut"]:
            sink.cut(state["chunks"])  # the inputs got shorter

    try:
        reporter.start_progress(0)
        for records in engine.map(engine_chunks()):
            chunk, digest = pending.popleft()
            _write_chunk(chunk, records, digest, sink, reporter, tally)
        if state["chunks"] < len(kept) and not state["cut"]:
            sink.cut(state["chunks"])
        sink.finish()
    except KeyboardInterrupt:
        reporter.stop_progress()
        engine.close()
        sink.close()
        where = (f"saved in {sink.partial}" if isinstance(sink, FileSink) else "written to stdout")
        reporter.say(
            f"interrupted: {tally.records} records {where} ({tally.records - tally.failed} "
            f"annotated, {tally.failed} failed)"
            + ("; rerun the same command with --resume to finish" if opts.output != "-" else ""),
            "red",
        )
        return EXIT_INTERRUPTED
    except ClaimtraceError as err:
        reporter.stop_progress()
        sink.close()
        reporter.problem(err)
        return EXIT_STOPPED
    except Exception:  # noqa: BLE001  -- a bug: keep what finished, say how to go on
        reporter.stop_progress()
        sink.close()
        reporter.say(traceback.format_exc(), "red")
        kept_where = f" are kept in {partial_paths(opts.output)[0]}" if opts.output != "-" else ""
        reporter.say(f"claimtrace stopped on an internal error (please report it); the "
                     f"{tally.records} finished records{kept_where}.", "red")
        return EXIT_STOPPED
    finally:
        reporter.stop_progress()
    seconds = time.perf_counter() - started
    summary = (
        f"{tally.records - tally.failed} annotated, {tally.failed} failed, "
        f"{reporter.skipped} skipped ({tally.words} words) in {seconds:.1f} s"
    )
    if tally.reused:
        summary += f"; {tally.reused} records reused from the interrupted run"
    if opts.output != "-":
        summary += f" -> {opts.output}"
    reporter.say(summary)
    return EXIT_INPUTS_FAILED if tally.failed else EXIT_OK


def _write_chunk(
    chunk: list[InputItem], records: list[dict[str, Any]], digest: str, sink,
    reporter: Reporter, tally: Tally,
) -> None:
    """Merge a chunk's input errors with its articles' records, report errors, write it."""
    annotated = iter(records)
    lines: list[str] = []
    failed = words = 0
    for item in chunk:
        if isinstance(item, InputFailure):
            record = failure_record(item)
        else:
            record = next(annotated)
            words += len(item.text.split())
        if "error" in record:
            failed += 1
            reporter.error_record(record)
        lines.append(dumps_line(record))
    entry = ChunkEntry(end=0, digest=digest, records=len(lines), failed=failed, words=words)
    sink.write_chunk(lines, entry)
    tally.add(entry)
    reporter.advance(len(lines))
