"""Annotate on a Dask cluster: a LocalCluster on this machine (``--dask local``) or a running
scheduler (``--dask tcp://HOST:8786``).

Chunks of articles go out a few at a time (a window of about two per worker, so memory stays
flat however long the job); each worker process builds the run's pipeline once and returns
finished JSONL records, so only plain data crosses process boundaries. Records come back in
input order, identical to a local run. A worker that dies mid-chunk is replaced by its nanny and
the scheduler reruns the chunk (up to ``distributed.scheduler.allowed-failures`` times; after
that the chunk's articles get E016 error records). Every scratch folder Dask makes lives in one
temporary folder that is deleted at the end (or, after a kill -9, by the next Dask run). Remote
workers need the same claimtrace install and the config file at the same path.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .annotate import RunSpec, annotate_articles, build_nlp, error_as_dict, error_from_dict
from .errors import ClaimtraceError, Errors
from .inputs import Article
from .runtime import lean_imports, quiet_libraries
from .workers import Records, abandoned_records, in_order

SCRATCH_PREFIX = "claimtrace-dask-"
OWNER_FILE = "claimtrace-owner.pid"


@lru_cache(maxsize=2)
def _worker_pipeline(spec: RunSpec) -> tuple[Any, dict[str, Any]]:
    """The pipeline of ``spec`` in this worker process, built on its first chunk only."""
    from .record import provenance_of

    quiet_libraries()
    lean_imports()
    nlp = build_nlp(spec)
    return nlp, provenance_of(nlp)


def prepare_worker(spec: RunSpec) -> dict[str, Any]:
    """Run on a worker before the job: build the pipeline and return its config hash, or the
    coded error that stopped it (as plain data: exceptions do not always survive pickling)."""
    try:
        _nlp, provenance = _worker_pipeline(spec)
    except Exception as exc:  # noqa: BLE001  -- raised again in the main process
        return {"error": error_as_dict(exc)}
    return {"config_hash": provenance["config_hash"]}


def annotate_chunk(articles: list[Article], spec: RunSpec) -> Records:
    """Run on a worker: annotate one chunk with the worker's cached pipeline."""
    nlp, provenance = _worker_pipeline(spec)
    return annotate_articles(nlp, articles, list(spec.targets), provenance)


# Settings of the LocalCluster claimtrace starts (its worker processes read them at spawn);
# together about 10 % of the run's wall time on 2 cores (docs/batch.md). A cluster given by
# address keeps its own settings.
LOCAL_CLUSTER_SETTINGS = {
    # the statistical profiler samples the worker's threads every 10 ms: CPU and the GIL
    "distributed.worker.profile.enabled": False,
    # Dask's default 64 KiB trim threshold hands freed memory back to the OS after every
    # chunk and takes it again for the next: seconds of system time per 1,000 articles
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # event-loop and system monitors: coarser ticks, same diagnostics
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
}


class DaskEngine:
    """Chunks annotated on Dask, results in input order."""

    def __init__(self, spec: RunSpec, address: str, workers: int = 2) -> None:
        self.spec = spec
        self.address = address
        self.workers = workers
        self.client = None
        self.cluster = None
        self.scratch: str | None = None
        self._saved_env: str | None = None

    def start(self) -> str:
        """Start the LocalCluster or connect to the scheduler (E118 / E119 when impossible),
        and build the pipeline on one worker (a bad config raises its coded error here, before
        any output is touched); returns the config hash."""
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise ClaimtraceError(Errors.E119, detail=str(exc)) from exc
        _remove_stale_scratch()
        self.scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
        Path(self.scratch, OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        self._saved_env = os.environ.get("DASK_TEMPORARY_DIRECTORY")
        os.environ["DASK_TEMPORARY_DIRECTORY"] = self.scratch  # inherited by worker processes
        settings = {"temporary-directory": self.scratch}
        if self.address == "local":
            settings |= LOCAL_CLUSTER_SETTINGS
        self._config = dask.config.set(settings)
        try:
            if self.address == "local":
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    local_directory=self.scratch,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
            else:
                try:
                    self.client = Client(self.address)
                except (OSError, ValueError, TypeError) as exc:
                    raise ClaimtraceError(
                        Errors.E118, address=self.address, detail=str(exc)[:200]
                    ) from exc
        except BaseException:
            self.close()
            raise
        n_workers = len(self.client.scheduler_info().get("workers", {})) or self.workers
        self.window = 2 * max(n_workers, 1) + 1
        try:
            answer = self.client.submit(prepare_worker, self.spec, pure=False).result()
        except BaseException:
            self.close()
            raise
        if "error" in answer:
            self.close()
            raise error_from_dict(answer["error"])
        return answer["config_hash"]

    def map(self, chunks: Iterator[list[Article]]) -> Iterator[Records]:
        return in_order(chunks, self.window, self._submit, self._head_records)

    def _submit(self, articles: list[Article]) -> tuple[list[Article], Any]:
        if not articles:
            return articles, None
        return articles, self.client.submit(annotate_chunk, articles, self.spec, pure=False)

    def _head_records(self, inflight: deque[tuple[list[Article], Any]]) -> Records:
        from distributed import KilledWorker

        articles, future = inflight.popleft()
        if future is None:
            return []
        try:
            return future.result()
        except KilledWorker as exc:
            return abandoned_records(articles, _allowed_failures() + 1, f"Dask: {exc}")
        except (
            OSError, TimeoutError, asyncio.CancelledError, concurrent.futures.CancelledError
        ) as exc:
            raise ClaimtraceError(Errors.E123, detail=str(exc)[:200] or repr(exc)) from exc
        finally:
            future.release()

    def close(self) -> None:
        """Disconnect, stop a LocalCluster, and delete the scratch folder."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
            if self._saved_env is None:
                os.environ.pop("DASK_TEMPORARY_DIRECTORY", None)
            else:
                os.environ["DASK_TEMPORARY_DIRECTORY"] = self._saved_env
            self._config.__exit__(None, None, None)


def _remove_stale_scratch() -> None:
    """Delete scratch folders of claimtrace runs that were killed (kill -9 leaves no chance to
    clean up): those whose owner process no longer exists."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours to judge
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # alive, another user's


def _allowed_failures() -> int:
    import dask

    return int(dask.config.get("distributed.scheduler.allowed-failures", 3))
