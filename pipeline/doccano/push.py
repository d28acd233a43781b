"""Push claimtrace records into doccano: idempotent, resumable, in place, losing nothing.

Each document is identified by ``meta.doc_id``; stance examples by the content of their claim
(identity.py). A push creates what is missing (bulk import, explicit UTF-8), updates changed
documents *in place* (merge.py: the example keeps its id and page, annotators' unconfirmed edits
are merged, backed up and reported), never touches confirmed documents, and orders new stance
examples by the model's uncertainty (uncertainty.py).
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
from rich.progress import Progress

from pipeline.doccano.client import AFTER_PUSH, DoccanoAPI
from pipeline.doccano.edits import EditReport, write_backup
from pipeline.doccano.mapping import (
    applicable_targets,
    import_line,
    is_article,
    link_spans,
    reconstruct,
    record_hash,
    relations_from_api,
    spans_from_api,
    stance_key,
    store_line,
)
from pipeline.doccano.merge import Desired, HumanWork, ServerDoc, plan_update
from pipeline.doccano.offsets import OffsetMap
from pipeline.doccano.projects import Projects, ensure_projects
from pipeline.doccano.pull import StanceRows, stance_rows, stance_states
from pipeline.doccano.stance_sync import StancePlan, plan_document
from pipeline.doccano.state import PushState
from pipeline.doccano.store import is_linked, read_store
from pipeline.doccano.uncertainty import document_margin
from pipeline.errors import ClaimtraceError, Errors
from pipeline.jsonl import iter_jsonl
from pipeline.paths import SCHEMA_PATH

log = logging.getLogger(__name__)
STORE_BATCH = 500
THREADS = 4
EXPORT_ABOVE = 1000
PENDING = "pending:"
IMPORT_TASK = {
    "spans": "RelationExtraction",
    "stance": "DocumentClassification",
    "store": "DocumentClassification",
}
STANCE_META = (
    "doc_id",
    "claim_id",
    "target",
    "claimtrace_key",
    "claimtrace_hash",
    "anchor",
    "machine_label",
    "margin",
    "orphaned",
)


@dataclass
class Counts:
    """What one push did to one project."""

    created: int = 0
    updated: int = 0
    skipped_confirmed: int = 0
    skipped_unchanged: int = 0
    removed: int = 0
    linked: int = 0
    orphaned: int = 0
    repointed: int = 0
    not_applicable: int = 0
    outdated: list[str] = field(default_factory=list)

    def summary(self, what: str) -> str:
        skipped = self.skipped_confirmed + self.skipped_unchanged
        text = (
            f"{what}: created {self.created}, updated {self.updated}, skipped {skipped} "
            f"(confirmed {self.skipped_confirmed}, unchanged {self.skipped_unchanged})"
        )
        if self.removed:
            text += f", removed {self.removed} stale/duplicate"
        if self.repointed:
            text += f", {self.repointed} confirmed labels followed their claim"
        if self.orphaned:
            text += f", {self.orphaned} judged labels orphaned (their claim is gone; kept)"
        if self.not_applicable:
            text += f", {self.not_applicable} pairs not pushed (target does not apply)"
        if self.outdated:
            text += (
                f"; {len(self.outdated)} confirmed documents have newer pipeline output "
                "that was not pushed"
            )
        return text


@dataclass
class PushReport:
    articles: Counts = field(default_factory=Counts)
    stance: Counts = field(default_factory=Counts)
    skipped_errors: list[str] = field(default_factory=list)
    edits: EditReport = field(default_factory=EditReport)


@dataclass
class PushOptions:
    """How a push treats edited documents, targets and order (the CLI's options)."""

    batch_size: int = 100
    keep_edited: bool = False  # leave documents with unconfirmed human edits unchanged
    all_targets: bool = False  # push every target, not only those that apply
    stance_order: str = "uncertainty"  # or "document"
    document_order: str = "input"  # or "uncertainty"
    independent: bool = False  # agreement round: annotators label blind, each their own copy
    show_progress: bool = True


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


# ---------------------------------------------------------------- examples on the server


def _key(example: dict, kind: str) -> str | None:
    meta = example.get("meta") or {}
    return meta.get("doc_id") if kind == "spans" else stance_key(meta)


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
            key=lambda e: (not e["is_confirmed"], e["id"] not in (linked or set()), e["id"])
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


def _replace_store(
    api: DoccanoAPI,
    projects: Projects,
    store: dict[str, dict],
    lines: list[dict],
    state: PushState,
    progress: Progress,
) -> None:
    """Write store entries (bulk import), then delete the entries they replace."""
    if not lines:
        return
    _import(api, projects.store_id, "store", lines, state, STORE_BATCH, progress, "storing")
    old = [store[line["doc_id"]]["id"] for line in lines if line["doc_id"] in store]
    api.delete_examples(projects.store_id, old)


def _link(
    api: DoccanoAPI,
    projects: Projects,
    records: dict[str, dict],
    examples: dict[str, dict],
    store: dict[str, dict],
    state: PushState,
    progress: Progress,
    counts: Counts,
    me: int,
) -> None:
    """Write the store entry (machine record, span-id links) of every new example lacking one.

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
        return store_line(records[doc_id], example["id"], links, pusher=me)

    with ThreadPoolExecutor(THREADS) as pool:
        lines = list(pool.map(line, todo))
    _replace_store(api, projects, store, lines, state, progress)
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


# ---------------------------------------------------------------- in-place updates


@dataclass
class _Update:
    """One example being brought to a new machine version."""

    example_id: int
    doc_id: str
    record: dict
    desired: Desired
    server: ServerDoc | None = None  # as read for planning (None: read it again)


def _server_doc(api: DoccanoAPI, projects: Projects, example: dict) -> ServerDoc:
    """The example's spans and relations with label names."""
    span_names = {v: k for k, v in projects.span_types.items()}
    rel_names = {v: k for k, v in projects.relation_types.items()}
    spans = api.spans(projects.spans_id, example["id"])
    relations = api.relations(projects.spans_id, example["id"])
    for span in spans:
        span["label"] = span_names.get(span["label"], "?")
    for rel in relations:
        rel["type"] = rel_names.get(rel["type"], "?")
    return ServerDoc(example["text"], spans, relations)


def converge(
    api: DoccanoAPI,
    projects: Projects,
    example_id: int,
    desired: Desired,
    current: ServerDoc | None = None,
) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Bring the example's spans and relations to ``desired`` with the fewest requests
    (items already there stay, by signature). Idempotent: a rerun after a failure picks up
    where it stopped. ``current``: the example as just read (else it is read). Returns the span
    links and the ids of annotators' items."""
    pid = projects.spans_id
    current = current or _server_doc(api, projects, {"id": example_id, "text": ""})
    want = Counter(sig for sig, _ in desired.spans)
    ids_by_sig: dict[tuple, list[int]] = defaultdict(list)
    gone: set[int] = set()
    for span in sorted(current.spans, key=lambda s: s["id"]):
        sig = (span["label"], span["start_offset"], span["end_offset"])
        if want[sig] > 0:
            want[sig] -= 1
            ids_by_sig[sig].append(span["id"])
        else:
            api.delete_span(pid, example_id, span["id"])
            gone.add(span["id"])
    for sig, count in want.items():
        for _ in range(count):
            span_id = api.create_span(pid, example_id, projects.span_types[sig[0]], sig[1], sig[2])
            ids_by_sig[sig].append(span_id)
    sig_of = {i: sig for sig, ids in ids_by_sig.items() for i in ids}
    want_rel = Counter(rel for rel, _ in desired.relations)
    rel_ids: dict[tuple, list[int]] = defaultdict(list)
    for rel in sorted(current.relations, key=lambda r: r["id"]):
        if rel["from_id"] in gone or rel["to_id"] in gone:
            continue  # deleted with its span
        sig = (rel["type"], sig_of.get(rel["from_id"]), sig_of.get(rel["to_id"]))
        if want_rel[sig] > 0:
            want_rel[sig] -= 1
            rel_ids[sig].append(rel["id"])
        else:
            api.delete_relation(pid, example_id, rel["id"])
    for sig, count in want_rel.items():
        for _ in range(count):
            rel_ids[sig].append(
                api.create_relation(
                    pid,
                    example_id,
                    projects.relation_types[sig[0]],
                    ids_by_sig[tuple(sig[1])][0],
                    ids_by_sig[tuple(sig[2])][0],
                )
            )
    links, human = {}, {"spans": [], "relations": []}
    free = {sig: list(ids) for sig, ids in ids_by_sig.items()}
    for sig, key in desired.spans:
        span_id = free[sig].pop(0)
        if key is None:
            human["spans"].append(span_id)
        else:
            links[str(span_id)] = key
    for sig, is_human in desired.relations:
        if is_human:
            human["relations"].extend(rel_ids[sig][:1])
    return links, human


def _apply_updates(
    api: DoccanoAPI,
    projects: Projects,
    state: PushState,
    updates: list[_Update],
    store: dict[str, dict],
    me: int,
    progress: Progress,
) -> None:
    """Converge each example (journalled first, so a rerun finishes the same update), store
    the new machine records, then set text and hash in one request per example."""
    if not updates:
        return
    for update in updates:
        state.start_update(
            update.example_id,
            {"doc_id": update.doc_id, "record": update.record, "desired": update.desired.to_json()},
        )
    task = progress.add_task("updating in place", total=len(updates))

    def run(update: _Update) -> dict:
        api.update_example(
            projects.spans_id,
            update.example_id,
            meta={"doc_id": update.doc_id, "claimtrace_hash": PENDING + record_hash(update.record)},
        )
        links, human = converge(api, projects, update.example_id, update.desired, update.server)
        progress.advance(task)
        return store_line(update.record, update.example_id, links, human, pusher=me)

    with ThreadPoolExecutor(THREADS) as pool:
        lines = list(pool.map(run, updates))
    _replace_store(api, projects, store, lines, state, progress)
    for update in updates:
        api.update_example(
            projects.spans_id,
            update.example_id,
            text=update.record["text"],
            meta={"doc_id": update.doc_id, "claimtrace_hash": record_hash(update.record)},
        )
        state.finish_update(update.example_id)


def _resume_updates(
    api: DoccanoAPI, projects: Projects, state: PushState, me: int, progress: Progress
) -> None:
    """Finish in-place updates an interrupted push started (their target state is journalled)."""
    journal = state.updates
    if not journal:
        return
    live = {e["id"] for e in api.examples(projects.spans_id)}
    updates = []
    for example_id, plan in journal.items():
        if example_id not in live:
            state.finish_update(example_id)
            continue
        log.info("finishing the interrupted update of %s", plan["doc_id"])
        desired = Desired.from_json(plan["desired"])
        updates.append(_Update(example_id, plan["doc_id"], plan["record"], desired))
    store = read_store(api, projects.store_id)
    _apply_updates(api, projects, state, updates, store, me, progress)


class _Usernames:
    """User id -> name, read once when first needed (for reports and backups)."""

    def __init__(self, api: DoccanoAPI) -> None:
        self.api = api
        self.names: dict[int, str] | None = None

    def __call__(self, user_id: int) -> str:
        if self.names is None:
            self.names = {u["id"]: u["username"] for u in self.api.users()}
        return self.names.get(user_id, f"user {user_id}")


def _backup_content(
    projects: Projects,
    project: str,
    example: dict,
    server: ServerDoc,
    entry: dict | None,
    work: HumanWork,
    names: _Usernames,
    stance: StanceRows | None,
) -> dict:
    """What a backup holds: the example as it was, who did what, and the corrected record a
    ``pull --all`` would have given before this push (None when the push never linked it)."""
    omap = OffsetMap(server.text)
    span_ids = {s["id"]: s for s in server.spans}

    def span_view(span: dict) -> dict:
        start, end = omap.span_to_cp(span["start_offset"], span["end_offset"])
        return {
            "id": span["id"],
            "label": span["label"],
            "start": start,
            "end": end,
            "text": server.text[start:end],
            "user": names(span["user"]),
        }

    def rel_view(rel: dict) -> dict:
        ends = [span_ids.get(rel["from_id"]), span_ids.get(rel["to_id"])]
        return {
            "id": rel["id"],
            "type": rel["type"],
            "from": span_view(ends[0]) if ends[0] else rel["from_id"],
            "to": span_view(ends[1]) if ends[1] else rel["to_id"],
            "user": names(rel["user"]),
        }

    before = None
    if entry is not None:
        store = entry["meta"]["store"]
        span_ids, rel_ids = projects.span_types, projects.relation_types
        as_api_spans = [dict(s, label=span_ids.get(s["label"], -1)) for s in server.spans]
        as_api_rels = [dict(r, type=rel_ids.get(r["type"], -1)) for r in server.relations]
        states, orphaned = stance_states(store["record"], stance)
        before = reconstruct(
            store["record"],
            spans_from_api(server.text, as_api_spans, {v: k for k, v in span_ids.items()}),
            relations_from_api(as_api_rels, {v: k for k, v in rel_ids.items()}),
            store["spans"],
            confirmed=False,
            stance=states,
            example_id=example["id"],
        )
        before["review"]["orphaned"] = {"stance": orphaned}
    return {
        "project": project,
        "doc_id": example["meta"].get("doc_id"),
        "example_id": example["id"],
        "users": sorted({names(u) for u in work.users}),
        "annotators_spans": [span_view(s) for s in work.spans],
        "annotators_relations": [rel_view(r) for r in work.relations],
        "machine_spans_they_removed": work.deleted_spans,
        "machine_relations_they_removed": [list(r) for r in work.deleted_relations],
        "not_carried_over": [rel_view(x) if "from_id" in x else span_view(x) for x in work.lost],
        "record_before_push": before,
    }


def _plan_updates(
    api: DoccanoAPI,
    projects: Projects,
    project: str,
    todo: list[tuple[str, dict]],
    records: dict[str, dict],
    store: dict[str, dict],
    me: int,
    options: PushOptions,
    state: PushState,
    report: PushReport,
) -> list[_Update]:
    """Plan the in-place update of each changed, unconfirmed document; back up and report
    annotators' work found on it."""
    names = _Usernames(api)

    def fetch(item: tuple[str, dict]) -> ServerDoc:
        return _server_doc(api, projects, item[1])

    with ThreadPoolExecutor(THREADS) as pool:
        servers = list(pool.map(fetch, todo))
    found_rows: dict[str, StanceRows] | None = None
    updates = []
    for (doc_id, example), server in zip(todo, servers, strict=True):
        entry = store.get(doc_id)
        seen = server
        if entry is not None:
            saved = entry["meta"]["store"]
            old_record, links = saved["record"], saved["spans"]
            human_ids, pusher = saved.get("human") or {}, saved.get("pusher") or me
        else:  # pushed, never linked (an interrupted first push): its spans are all ours
            old_record = {"text": server.text, "actors": [], "quotes": [], "claims": []}
            links, human_ids, pusher = {}, {}, me
            seen = ServerDoc(
                server.text, [s for s in server.spans if s["user"] != me], server.relations
            )
        desired, work = plan_update(old_record, links, human_ids, seen, records[doc_id], pusher)
        if work:
            report.edits.users.update(names(u) for u in work.users if u != me)
            if options.keep_edited:
                report.edits.skipped.append(doc_id)
                report.articles.skipped_unchanged += 1
                continue
            if found_rows is None:  # read once, only when some document needs a backup
                found_rows = stance_rows(api, project, {d for d, _ in todo}, None)
            content = _backup_content(
                projects, project, example, server, entry, work, names, found_rows.get(doc_id)
            )
            report.edits.backups.append(write_backup(state, doc_id, content))
            (report.edits.partly_lost if work.lost else report.edits.merged).append(doc_id)
        updates.append(_Update(example["id"], doc_id, records[doc_id], desired, server))
        report.articles.updated += 1
    return updates


# ---------------------------------------------------------------- stance examples


def _stance_examples_by_doc(
    api: DoccanoAPI, projects: Projects, counts: Counts
) -> dict[str, list[dict]]:
    existing = _dedupe(api, projects.stance_id, "stance", counts)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for example in existing.values():
        by_doc[example["meta"].get("doc_id")].append(example)
    return by_doc


def _human_label(api: DoccanoAPI, projects: Projects, example: dict, me: int) -> str | None:
    """The label an annotator set on an unconfirmed stance example, or None when it still
    carries the machine's label (or none)."""
    names = {v: k for k, v in projects.category_types.items()}
    categories = api.categories(projects.stance_id, example["id"])
    labels = [names.get(c["label"]) for c in categories]
    machine = example["meta"].get("machine_label")
    by_person = any(c["user"] != me for c in categories)
    if by_person or (machine is not None and labels and labels[0] != machine):
        return labels[0] if labels else None
    return None


def _apply_stance(
    api: DoccanoAPI,
    projects: Projects,
    plans: dict[str, StancePlan],
    me: int,
    report: PushReport,
) -> None:
    """Re-point, refresh, orphan and remove existing stance examples as planned."""
    pid = projects.stance_id
    counts = report.stance
    to_delete = []
    for plan in plans.values():
        for example, meta in plan.repoint:
            api.update_example(pid, example["id"], meta=meta)
            counts.repointed += 1
        for example, line in plan.update:
            meta = {k: line[k] for k in STANCE_META if k in line}
            person = _human_label(api, projects, example, me)
            api.update_example(pid, example["id"], text=line["text"], meta=meta)
            if person is None:
                api.set_category(pid, example["id"], projects.category_types[line["label"][0]])
            else:
                report.edits.stance_kept += 1
            counts.updated += 1
        for example in plan.stale:
            if _human_label(api, projects, example, me) is None:
                to_delete.append(example["id"])
                counts.removed += 1
            else:
                plan.orphan.append(example)
                report.edits.stance_kept += 1
        for example in plan.orphan:
            counts.orphaned += 1
            if not example["meta"].get("orphaned"):
                api.update_example(pid, example["id"], meta=dict(example["meta"], orphaned=True))
        counts.skipped_confirmed += plan.confirmed
        counts.skipped_unchanged += plan.unchanged
        counts.not_applicable += plan.not_applicable
    api.delete_examples(pid, to_delete)


def _sync_stance(
    api: DoccanoAPI,
    projects: Projects,
    records: dict[str, dict],
    span_examples: dict[str, dict],
    store: dict[str, dict],
    previous: dict[str, dict],
    state: PushState,
    me: int,
    options: PushOptions,
    report: PushReport,
    progress: Progress,
) -> None:
    """Plan and apply every pushed document's stance examples; import the new ones in
    uncertainty order; store new-target items of confirmed documents. ``previous``: the store
    as it was before this push's updates."""
    existing = _stance_examples_by_doc(api, projects, report.stance)
    plans: dict[str, StancePlan] = {}
    for doc_id, record in records.items():
        if doc_id in report.edits.skipped:
            continue  # --keep-edited: the whole document stays as annotators left it
        example = span_examples.get(doc_id)
        frozen = example is not None and example["is_confirmed"] and doc_id in store
        stored = store[doc_id]["meta"]["store"]["record"] if frozen else None
        targets = applicable_targets(record, options.all_targets)
        before = previous.get(doc_id)
        plans[doc_id] = plan_document(
            doc_id,
            record,
            existing.get(doc_id, []),
            targets,
            stored,
            before["meta"]["store"]["record"] if before else None,
        )
    _apply_stance(api, projects, plans, me, report)
    order = {doc_id: i for i, doc_id in enumerate(records)}
    lines = [line for plan in plans.values() for line in plan.create]
    if options.stance_order == "uncertainty":
        lines.sort(key=lambda line: (line["margin"], order[line["doc_id"]]))
    if lines:
        _import(
            api,
            projects.stance_id,
            "stance",
            lines,
            state,
            options.batch_size * 10,
            progress,
            "importing stance examples",
        )
        report.stance.created += len(lines)
    stored_lines = []
    for doc_id, plan in plans.items():
        if plan.stored_record is not None:
            saved = store[doc_id]["meta"]["store"]
            stored_lines.append(
                store_line(
                    plan.stored_record,
                    saved["example_id"],
                    saved["spans"],
                    saved.get("human"),
                    saved.get("pusher"),
                    span_hash=saved["claimtrace_hash"],
                )
            )
    _replace_store(api, projects, store, stored_lines, state, progress)


# ---------------------------------------------------------------- the push


def _document_order(records: dict[str, dict], options: PushOptions) -> list[str]:
    doc_ids = list(records)
    if options.document_order == "uncertainty":
        doc_ids.sort(
            key=lambda d: document_margin(
                records[d], set(applicable_targets(records[d], options.all_targets))
            )
        )
    return doc_ids


def push_records(
    api: DoccanoAPI,
    records: Iterable[dict],
    project: str,
    state: PushState,
    batch_size: int = 100,
    show_progress: bool = True,
    options: PushOptions | None = None,
) -> PushReport:
    """Push article records into project ``project`` (and its ``.stance``/``.store``)."""
    options = options or PushOptions(batch_size=batch_size, show_progress=show_progress)
    api.after = AFTER_PUSH
    report = PushReport()
    by_doc = {r["id"]: r for r in records}
    projects = ensure_projects(api, project, collaborative=not options.independent)
    me = api.me()["id"]
    _finish_pending(api, state)
    with Progress(disable=not options.show_progress, transient=True) as progress:
        _resume_updates(api, projects, state, me, progress)
        store = read_store(api, projects.store_id)
        linked = {(e["meta"].get("store") or {}).get("example_id") for e in store.values()}
        existing = _dedupe(api, projects.spans_id, "spans", report.articles, linked)
        to_import, to_update = [], []
        for doc_id in _document_order(by_doc, options):
            record, example = by_doc[doc_id], existing.get(doc_id)
            digest = record_hash(record)
            if example is None:
                to_import.append(import_line(record))
                report.articles.created += 1
            elif example["is_confirmed"]:
                report.articles.skipped_confirmed += 1
                if example["meta"].get("claimtrace_hash") != digest:
                    report.articles.outdated.append(doc_id)
            elif example["meta"].get("claimtrace_hash") == digest:
                report.articles.skipped_unchanged += 1
            else:
                to_update.append((doc_id, example))
        if to_import:
            _import(
                api,
                projects.spans_id,
                "spans",
                to_import,
                state,
                options.batch_size,
                progress,
                "importing documents",
            )
            existing = _dedupe(api, projects.spans_id, "spans", report.articles, linked)
        store = read_store(api, projects.store_id, {e["id"] for e in existing.values()})
        _link(api, projects, by_doc, existing, store, state, progress, report.articles, me)
        updates = _plan_updates(
            api, projects, project, to_update, by_doc, store, me, options, state, report
        )
        _apply_updates(api, projects, state, updates, store, me, progress)
        previous, store = store, read_store(api, projects.store_id)
        _sync_stance(
            api, projects, by_doc, existing, store, previous, state, me, options, report, progress
        )
    return report
