"""Pull corrected annotations from doccano back into claimtrace records with provenance.

Reads the span project (spans, relations, confirmation) and its ``.stance`` companion, and
rebuilds each record from the machine record stored at push time (see mapping.reconstruct).
Only confirmed examples by default; ``include_unconfirmed`` for all.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import Progress

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.mapping import (
    StanceState,
    reconstruct,
    relations_from_api,
    spans_from_api,
)
from pipeline.doccano.projects import stance_project_name, store_project_name
from pipeline.doccano.store import is_linked, read_store
from pipeline.errors import ClaimtraceError, Errors

THREADS = 4


@dataclass
class PullReport:
    """What a pull returned."""

    articles: int = 0
    unconfirmed_left_out: int = 0
    foreign_examples: int = 0
    unlinked: int = 0
    reviews: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.reviews.items()))
        text = f"pulled {self.articles} articles ({parts or 'no items'})"
        if self.unconfirmed_left_out:
            text += f"; left out {self.unconfirmed_left_out} unconfirmed (use --all)"
        if self.unlinked:
            text += (
                f"; left out {self.unlinked} whose push did not finish (rerun "
                "`claimtrace doccano push`)"
            )
        if self.foreign_examples:
            text += f"; ignored {self.foreign_examples} examples not made by claimtrace"
        return text


def _count_reviews(record: dict, counter: Counter) -> None:
    for actor in record["actors"]:
        counter.update(m.get("review", "machine") for m in actor["mentions"])
    for item in record["quotes"] + record["claims"]:
        counter[item.get("review", "machine")] += 1
        counter.update(s.get("review", "machine") for s in item.get("stance") or [])
    counter["deleted"] += sum(len(v) for v in record["review"]["deleted"].values())


def _stance_states(
    api: DoccanoAPI, name: str, doc_ids: set[str]
) -> dict[str, dict[tuple[str, str], StanceState]]:
    """Current label and confirmation of every stance example, by doc id and (claim, target)."""
    project = api.find_project(stance_project_name(name))
    if project is None:
        return {}
    confirmed = {row["id"] for row in api.export(project["id"], confirmed_only=True)}
    states: dict[str, dict[tuple[str, str], StanceState]] = {}
    for row in api.export(project["id"]):
        if row.get("doc_id") in doc_ids:
            label = row["label"][0] if row.get("label") else None
            states.setdefault(row["doc_id"], {})[(row["claim_id"], row["target"])] = StanceState(
                label, row["id"] in confirmed
            )
    return states


def pull_records(
    api: DoccanoAPI, name: str, include_unconfirmed: bool = False, show_progress: bool = True
) -> tuple[list[dict], PullReport]:
    """Corrected records of project ``name`` in push order, with ``review`` provenance."""
    project = api.find_project(name)
    if project is None:
        raise ClaimtraceError(Errors.E308, name=name, url=api.url)
    pid = project["id"]
    report = PullReport()
    store_project = api.find_project(store_project_name(name))
    store = read_store(api, store_project["id"]) if store_project else {}
    selected = []
    for example in sorted(api.examples(pid), key=lambda e: e["id"]):
        doc_id = (example.get("meta") or {}).get("doc_id")
        if doc_id is None:
            report.foreign_examples += 1
        elif not is_linked(store.get(doc_id), example):
            report.unlinked += 1
        elif example["is_confirmed"] or include_unconfirmed:
            selected.append(example)
        else:
            report.unconfirmed_left_out += 1
    span_names = {v: k for k, v in api.label_types(pid, "span").items()}
    rel_names = {v: k for k, v in api.label_types(pid, "relation").items()}
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("reading annotations", total=len(selected))

        def fetch(example: dict) -> tuple[list[dict], list[dict]]:
            found = api.spans(pid, example["id"]), api.relations(pid, example["id"])
            progress.advance(task)
            return found

        with ThreadPoolExecutor(THREADS) as pool:
            annotations = list(pool.map(fetch, selected))
        doc_ids = {e["meta"]["doc_id"] for e in selected}
        stance = _stance_states(api, name, doc_ids) if selected else {}
    records = []
    for example, (spans, relations) in zip(selected, annotations, strict=True):
        meta = example["meta"]
        entry = store[meta["doc_id"]]["meta"]["store"]
        machine = entry["record"]
        if example["text"] != machine["text"]:
            raise ClaimtraceError(Errors.E313, doc_id=meta.get("doc_id"))
        keys = entry["spans"]
        record = reconstruct(
            machine,
            spans_from_api(example["text"], spans, span_names),
            relations_from_api(relations, rel_names),
            keys,
            example["is_confirmed"],
            stance.get(meta["doc_id"], {}),
            example_id=example["id"],
        )
        _count_reviews(record, report.reviews)
        records.append(record)
    report.articles = len(records)
    return records, report


def write_jsonl(records: list[dict], path: Path) -> None:
    """Write records as UTF-8 JSONL (atomic replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
