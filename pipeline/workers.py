"""Annotate chunks of articles in this process or in ``--workers N`` local processes.

Both engines take chunks (lists of articles) in input order and yield each chunk's records in the
same order, so the output does not depend on how many processes ran. Worker processes are
started with ``spawn`` (a fresh interpreter: no inherited locks or torch threads), load the
pipeline once each, and ignore Ctrl-C (the main process stops them). A worker that dies (killed,
out of memory) costs a retry of the chunks it was running, not the job; a chunk that has killed
its worker ``MAX_ATTEMPTS`` times becomes E016 error records.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .annotate import RunSpec, annotate_articles, build_nlp, error_as_dict, error_from_dict
from .errors import ClaimtraceError, Errors
from .inputs import Article
from .runtime import lean_imports, quiet_libraries

MAX_ATTEMPTS = 3

Records = list[dict[str, Any]]
T = TypeVar("T")


def abandoned_records(articles: list[Article], attempts: int, detail: str) -> Records:
    """E016 error records for a chunk whose worker kept dying."""
    from .record import error_record

    return [
        error_record(a.id, a.source, ClaimtraceError(
            Errors.E016, name=a.source or a.id, attempts=attempts, detail=detail[:200]))
        for a in articles
    ]


class InProcessEngine:
    """The pipeline in this process (``--workers 1``, the default)."""

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.nlp = None

    def start(self) -> str:
        """Build the pipeline (coded errors for a bad config); returns its config hash."""
        from .record import provenance_of

        self.nlp = build_nlp(self.spec)
        self.provenance = provenance_of(self.nlp)
        return self.provenance["config_hash"]

    def map(self, chunks: Iterator[list[Article]]) -> Iterator[Records]:
        for articles in chunks:
            yield annotate_articles(self.nlp, articles, list(self.spec.targets), self.provenance)

    def close(self) -> None:
        """Nothing to stop."""


def in_order(
    chunks: Iterator[list[Article]],
    window: int,
    submit: Callable[[list[Article]], T],
    head_records: Callable[[deque[T]], Records],
) -> Iterator[Records]:
    """Keep up to ``window`` chunks in flight (``submit`` starts one) and yield their records in
    input order (``head_records`` waits for the oldest and removes it from the deque)."""
    inflight: deque[T] = deque()
    chunks = iter(chunks)
    while True:
        while len(inflight) < window and (articles := next(chunks, None)) is not None:
            inflight.append(submit(articles))
        if not inflight:
            return
        yield head_records(inflight)


# -- worker process side -------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _init_worker(spec: RunSpec, parent: int) -> None:
    """Runs once in each worker process: load the pipeline it will use for every chunk. A
    failure is kept (not raised, which would only break the pool) for :func:`_ready` to report."""
    from .record import provenance_of

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    _exit_with_parent(parent)
    quiet_libraries()
    lean_imports()
    try:
        nlp = build_nlp(spec)
    except Exception as exc:  # noqa: BLE001  -- reported by _ready() in the main process
        _STATE["error"] = error_as_dict(exc)
        return
    _STATE.update(nlp=nlp, provenance=provenance_of(nlp), targets=list(spec.targets))


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """End this worker when the main process ``parent`` is gone (kill -9 gives it no chance to
    stop its workers, and a worker waiting for work would otherwise wait forever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="claimtrace-parent-watch", daemon=True).start()


def _ready() -> dict[str, Any]:
    """The worker's config hash, or the coded error that stopped it building the pipeline."""
    if "error" in _STATE:
        return {"error": _STATE["error"]}
    return {"config_hash": _STATE["provenance"]["config_hash"]}


def _annotate_in_worker(articles: list[Article]) -> Records:
    return annotate_articles(_STATE["nlp"], articles, _STATE["targets"], _STATE["provenance"])


# -- main process side ---------------------------------------------------------------------
class _Job:
    """One chunk on its way through the pool."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles
        self.attempts = 0
        self.future: Future | None = None
        self.records: Records | None = [] if not articles else None


class ProcessEngine:
    """``workers`` local processes, each with its own pipeline; results in input order."""

    def __init__(self, spec: RunSpec, workers: int, window: int | None = None) -> None:
        self.spec = spec
        self.workers = workers
        self.window = window or 2 * workers + 1  # chunks in flight: enough to keep all busy
        self.pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def start(self) -> str:
        """Start the processes and wait until one has built the pipeline (a bad config raises
        its coded error here, before any output is touched); returns the config hash."""
        self._start_pool()
        try:
            answer = self.pool.submit(_ready).result()
        except BrokenProcessPool as exc:
            raise ClaimtraceError(
                Errors.E009, name="a worker process", detail=f"it died while starting: {exc}"
            ) from exc
        if "error" in answer:
            raise error_from_dict(answer["error"])
        return answer["config_hash"]

    def _start_pool(self) -> None:
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.spec, os.getpid()),
        )

    def _submit(self, job: _Job) -> None:
        job.attempts += 1
        try:
            job.future = self.pool.submit(_annotate_in_worker, job.articles)
        except BrokenProcessPool as exc:  # a worker died since: map() restarts the pool
            job.future = Future()
            job.future.set_exception(exc)

    def _restart(self, inflight: deque[_Job], reason: str) -> None:
        """A worker died: start a new pool and resubmit every unfinished chunk."""
        self._kill()
        self.restarts += 1
        self._start_pool()
        for job in inflight:
            if job.records is not None:
                continue
            future = job.future
            finished = future is not None and future.done() and not future.cancelled()
            if finished and future.exception() is None:
                job.records = future.result()
            elif job.attempts >= MAX_ATTEMPTS:
                job.records = abandoned_records(job.articles, job.attempts, reason)
            else:
                self._submit(job)

    def map(self, chunks: Iterator[list[Article]]) -> Iterator[Records]:
        return in_order(chunks, self.window, self._job, self._head_records)

    def _job(self, articles: list[Article]) -> _Job:
        job = _Job(articles)
        if job.records is None:
            self._submit(job)
        return job

    def _head_records(self, inflight: deque[_Job]) -> Records:
        head = inflight[0]
        while head.records is None:
            try:
                head.records = head.future.result()
            except BrokenProcessPool as exc:
                self._restart(inflight, f"worker process died: {exc}")
        inflight.popleft()
        return head.records

    def _kill(self) -> None:
        """Stop the pool now, terminating its processes (they may be mid-chunk)."""
        if self.pool is None:
            return
        processes = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)
        self.pool = None

    def close(self) -> None:
        self._kill()
