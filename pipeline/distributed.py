"""Annotate on a Dask cluster: a LocalCluster on this machine or a running scheduler.

Articles go out in chunks; each worker process loads the pipeline once and returns finished
JSONL records, so only plain data crosses process boundaries. Records come back in input order.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .errors import ClaimtraceError, Errors
from .inputs import Article, InputFailure
from .record import error_record


@lru_cache(maxsize=2)
def _worker_pipeline(config: str, overrides_json: str):
    from .build import load_pipeline

    nlp = load_pipeline(config, json.loads(overrides_json))
    if "stance" in nlp.pipe_names and not nlp.get_pipe("stance").threads:
        nlp.get_pipe("stance").threads = 1  # one torch thread per single-threaded worker
    return nlp


def annotate_chunk(
    articles: list[Article], config: str, overrides_json: str, targets: list[str], pipe_batch: int
) -> list[dict[str, Any]]:
    """Run on a worker: annotate one chunk with the worker's cached pipeline."""
    from .annotate import annotate

    nlp = _worker_pipeline(config, overrides_json)
    return list(annotate(nlp, articles, targets, pipe_batch))


def _chunk_records(future, chunk: list[Article]) -> list[dict[str, Any]]:
    """A chunk's records, or an error record per article if its worker failed."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001  -- a lost worker costs its chunk, not the job
        return [
            error_record(
                a.id,
                a.source,
                ClaimtraceError(
                    Errors.E009, name=a.source or a.id, detail=f"Dask worker: {exc!r}"[:300]
                ),
            )
            for a in chunk
        ]


def annotate_on_dask(
    items: list[Article | InputFailure],
    config: str,
    overrides: dict[str, Any],
    targets: list[str],
    address: str,
    workers: int = 2,
    batch_size: int = 16,
) -> Iterator[dict[str, Any]]:
    """Yield records for ``items`` in order, computed on Dask (``address`` 'local' starts a
    LocalCluster with ``workers`` single-threaded processes)."""
    from dask.distributed import Client, LocalCluster

    overrides_json = json.dumps(overrides, sort_keys=True)
    articles = [it for it in items if isinstance(it, Article)]
    chunks = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]
    scratch = tempfile.mkdtemp(prefix="claimtrace-dask-")
    os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", scratch)
    cluster = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=scratch,
        )
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        futures = client.map(
            annotate_chunk,
            chunks,
            config=config,
            overrides_json=overrides_json,
            targets=list(targets),
            pipe_batch=batch_size,
            pure=False,
        )
        done = (
            r for f, chunk in zip(futures, chunks, strict=True) for r in _chunk_records(f, chunk)
        )
        for item in items:
            if isinstance(item, InputFailure):
                yield error_record(item.id, item.source, item.error)
            else:
                yield next(done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
