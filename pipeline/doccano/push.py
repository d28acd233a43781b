"""Push claimtrace records into doccano: idempotent, resumable, bulk-imported.

Each document is identified by ``meta.doc_id`` (stance examples by document, claim and target).
A push creates what is missing, replaces unconfirmed examples whose machine output changed,
and never touches confirmed (human-corrected) ones. New examples go through doccano's bulk
import (explicit UTF-8) in batches; after import each example's span ids are linked to their
machine keys in its meta.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
from rich.progress import Progress

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.mapping import (
    import_line,
    is_article,
    link_spans,
    record_hash,
    stance_lines,
    store_line,
)
from pipeline.doccano.projects import Projects, ensure_projects
from pipeline.doccano.state import PushState
from pipeline.doccano.store import is_linked, read_store
from pipeline.errors import ClaimtraceError, Errors
from pipeline.jsonl import iter_jsonl
from pipeline.paths import SCHEMA_PATH

log = logging.getLogger(__name__)
STORE_BATCH = 500
THREADS = 4
EXPORT_ABOVE = 1000
IMPORT_TASK = {
    "spans": "RelationExtraction",
    "stance": "DocumentClassification",
    "store": "DocumentClassification",
}


@dataclass
class Counts:
    """What one push did to one project."""

    created: int = 0
    updated: int = 0
    skipped_confirmed: int = 0
    skipped_unchanged: int = 0
    removed: int = 0
    linked: int = 0

    def summary(self, what: str) -> str:
        skipped = self.skipped_confirmed + self.skipped_unchanged
        text = (
            f"{what}: created {self.created}, updated {self.updated}, skipped {skipped} "
            f"(confirmed {self.skipped_confirmed}, unchanged {self.skipped_unchanged})"
        )
        return text + (f", removed {self.removed} stale/duplicate" if self.removed else "")


@dataclass
class PushReport:
    articles: Counts = field(default_factory=Counts)
    stance: Counts = field(default_factory=Counts)
    skipped_errors: list[str] = field(default_factory=list)


def read_records(path: Path) -> tuple[list[dict], list[str]]:
    """Article records of a JSONL file (validated) and the ids of skipped error records."""
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    records, errors = [], []

    def bad_line(number: int, exc: json.JSONDecodeError) -> ClaimtraceError:
        return ClaimtraceError(Errors.E310, line=number, name=str(path), detail=str(exc))

    for number, record in iter_jsonl(path, bad_line):
        problem = next(iter(validator.iter_errors(record)), None)
        if problem is not None:
            raise ClaimtraceError(
                Errors.E310, line=number, name=str(path), detail=problem.message[:200]
            )
        if is_article(record):
            records.append(record)
        else:
            errors.append(str(record.get("id")))
    return records, errors


def _key(example: dict, kind: str) -> str | None:
    meta = example.get("meta") or {}
    return meta.get("doc_id") if kind == "spans" else meta.get("claimtrace_key")


STANCE_META = ("doc_id", "claim_id", "target", "claimtrace_key", "claimtrace_hash")


def _examples(api: DoccanoAPI, project_id: int, kind: str) -> list[dict]:
    """Examples with ``id``, ``meta`` and ``is_confirmed``. Large stance projects: two exports
    (all, confirmed) are faster than listing many small examples page by page."""
    if kind != "stance" or api.count_examples(project_id) < EXPORT_ABOVE:
        return api.examples(project_id)
    confirmed = {row["id"] for row in api.export(project_id, confirmed_only=True)}
    return [
        {
            "id": row["id"],
            "is_confirmed": row["id"] in confirmed,
            "meta": {k: row[k] for k in STANCE_META if k in row},
        }
        for row in api.export(project_id)
    ]


def _dedupe(
    api: DoccanoAPI, project_id: int, kind: str, counts: Counts, linked: set[int] | None = None
) -> dict[str, dict]:
    """Existing examples by key; extra unconfirmed copies (a retried import) are deleted,
    keeping a confirmed one, else one already linked in the store, else the oldest."""
    groups: dict[str, list[dict]] = {}
    for example in _examples(api, project_id, kind):
        key = _key(example, kind)
        if key is not None:
            groups.setdefault(key, []).append(example)
    keep, extra = {}, []
    for key, examples in groups.items():
        examples.sort(
            key=lambda e: (
                not e["is_confirmed"],
                e["id"] not in (linked or set()),
                e["id"],
            )
        )
        keep[key] = examples[0]
        extra += [e["id"] for e in examples[1:] if not e["is_confirmed"]]
    if extra:
        api.delete_examples(project_id, extra)
        counts.removed += len(extra)
    return keep


def _import(
    api: DoccanoAPI,
    project_id: int,
    kind: str,
    lines: list[dict],
    state: PushState,
    batch_size: int,
    progress: Progress,
    label: str,
) -> None:
    """Bulk-import ``lines`` in batches, recording each running task in the resume file."""
    task = progress.add_task(label, total=len(lines))
    for start in range(0, len(lines), batch_size):
        batch = lines[start : start + batch_size]
        payload = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in batch).encode("utf-8")
        task_id = api.start_import(
            project_id, payload, f"claimtrace-{kind}.jsonl", IMPORT_TASK[kind]
        )
        state.add(task_id, project_id)
        status = api.wait_task(task_id)
        state.done(task_id)
        errors = (status.get("result") or {}).get("error") or []
        if status.get("error") or errors:
            raise ClaimtraceError(
                Errors.E309,
                batch=start // batch_size + 1,
                project=project_id,
                detail=str(status.get("error") or errors)[:300],
            )
        progress.advance(task, len(batch))


def _sync(
    api: DoccanoAPI,
    project_id: int,
    kind: str,
    items: dict[str, dict],
    hashes: dict[str, str],
    frozen: Callable[[str], bool],
    scope: Callable[[str], bool],
    state: PushState,
    batch_size: int,
    progress: Progress,
    counts: Counts,
    linked: set[int] | None = None,
) -> dict[str, dict]:
    """Create, update or skip each item; returns the examples now on the server by key."""
    existing = _dedupe(api, project_id, kind, counts, linked)
    to_import, to_delete = [], []
    for key, line in items.items():
        example = existing.get(key)
        if frozen(key) or (example is not None and example["is_confirmed"]):
            counts.skipped_confirmed += 1
        elif example is None:
            to_import.append(line)
            counts.created += 1
        elif example["meta"].get("claimtrace_hash") == hashes[key]:
            counts.skipped_unchanged += 1
        else:
            to_delete.append(example["id"])
            to_import.append(line)
            counts.updated += 1
    stale = [
        e["id"]
        for k, e in existing.items()
        if k not in items and scope(k) and not e["is_confirmed"] and not frozen(k)
    ]
    counts.removed += len(stale)
    api.delete_examples(project_id, to_delete + stale)
    if to_import:
        _import(api, project_id, kind, to_import, state, batch_size, progress, f"importing {kind}")
    return _dedupe(api, project_id, kind, counts, linked) if to_import else existing


def _link(
    api: DoccanoAPI,
    projects: Projects,
    records: dict[str, dict],
    examples: dict[str, dict],
    store: dict[str, dict],
    state: PushState,
    progress: Progress,
    counts: Counts,
) -> None:
    """Write the store entry (machine record, span-id links) of every example lacking one.

    Span ids are read per example (4 threads: faster than doccano's export, which queries
    each span's label separately); entries go in by bulk import."""
    todo = [
        (doc_id, ex)
        for doc_id, ex in examples.items()
        if doc_id in records
        and not is_linked(store.get(doc_id), ex)
        and ex["meta"].get("claimtrace_hash") == record_hash(records[doc_id])
    ]
    if not todo:
        return
    names = {v: k for k, v in projects.span_types.items()}
    task = progress.add_task("reading span ids", total=len(todo))

    def line(item: tuple[str, dict]) -> dict:
        doc_id, example = item
        links = link_spans(records[doc_id], api.spans(projects.spans_id, example["id"]), names)
        progress.advance(task)
        return store_line(records[doc_id], example["id"], links)

    with ThreadPoolExecutor(THREADS) as pool:
        lines = list(pool.map(line, todo))
    api.delete_examples(projects.store_id, [store[d]["id"] for d, _ in todo if d in store])
    _import(api, projects.store_id, "store", lines, state, STORE_BATCH, progress, "linking spans")
    counts.linked += len(lines)


def _finish_pending(api: DoccanoAPI, state: PushState) -> None:
    """Wait for imports a previous, interrupted push started."""
    for pending in list(state.pending):
        log.info("waiting for import task %s from an interrupted push", pending["task_id"])
        try:
            api.wait_task(pending["task_id"], timeout=120)
        except ClaimtraceError:
            log.warning(
                "import task %s never finished; duplicates it may have made will be removed",
                pending["task_id"],
            )
        state.done(pending["task_id"])


def push_records(
    api: DoccanoAPI,
    records: Iterable[dict],
    project: str,
    state: PushState,
    batch_size: int = 100,
    show_progress: bool = True,
) -> PushReport:
    """Push article records into project ``project`` (and ``project.stance``)."""
    report = PushReport()
    by_doc = {r["id"]: r for r in records}
    projects = ensure_projects(api, project)
    _finish_pending(api, state)
    store = read_store(api, projects.store_id)
    linked = {(e["meta"].get("store") or {}).get("example_id") for e in store.values()}
    with Progress(disable=not show_progress, transient=True) as progress:
        lines = {doc_id: import_line(r) for doc_id, r in by_doc.items()}
        examples = _sync(
            api,
            projects.spans_id,
            "spans",
            lines,
            {k: v["claimtrace_hash"] for k, v in lines.items()},
            frozen=lambda key: False,
            scope=lambda key: False,
            state=state,
            batch_size=batch_size,
            progress=progress,
            counts=report.articles,
            linked=linked,
        )
        store = read_store(api, projects.store_id, {e["id"] for e in examples.values()})
        _link(api, projects, by_doc, examples, store, state, progress, report.articles)
        confirmed_docs = {k for k, e in examples.items() if e["is_confirmed"]}
        stance = {line["claimtrace_key"]: line for r in by_doc.values() for line in stance_lines(r)}
        doc_of = {k: json.loads(k)[0] for k in stance}

        def doc_of_key(key: str) -> str:
            return doc_of.get(key) or json.loads(key)[0]

        _sync(
            api,
            projects.stance_id,
            "stance",
            stance,
            {k: v["claimtrace_hash"] for k, v in stance.items()},
            frozen=lambda key: doc_of_key(key) in confirmed_docs,
            scope=lambda key: doc_of_key(key) in by_doc,
            state=state,
            batch_size=batch_size * 10,
            progress=progress,
            counts=report.stance,
        )
    return report
