"""Pull corrected annotations from doccano back into claimtrace records with provenance.

Reads the span project (spans, relations, confirmation) and its ``.stance`` companion, and
rebuilds each record from the machine record stored at push time (see mapping.reconstruct).
Stance labels are matched to claims by content (identity.py); a judged label whose claim is
gone is reported under ``review.orphaned``, never moved onto another claim. Only confirmed
examples by default; ``include_unconfirmed`` for all. An independent (agreement) project is
pulled one annotator's copy at a time.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import Progress

from pipeline.doccano.client import AFTER_PULL, DoccanoAPI
from pipeline.doccano.identity import claim_anchors, match
from pipeline.doccano.mapping import (
    StanceState,
    claim_of_stance_text,
    link_spans,
    reconstruct,
    relations_from_api,
    spans_from_api,
)
from pipeline.doccano.projects import stance_project_name, store_project_name
from pipeline.doccano.stance_sync import example_anchor
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
    orphaned: int = 0
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
        if self.orphaned:
            text += (
                f"; {self.orphaned} judged stance labels lost their claim (listed under "
                "review.orphaned, not used as gold)"
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


@dataclass
class StanceRows:
    """One document's stance examples as exported: label, confirmation and metadata."""

    rows: list[dict] = field(default_factory=list)
    confirmed: set[int] = field(default_factory=set)


def stance_rows(
    api: DoccanoAPI, name: str, doc_ids: set[str], annotator: str | None
) -> dict[str, StanceRows]:
    """Every stance example of the pulled documents (two exports: all; confirmed)."""
    project = api.find_project(stance_project_name(name))
    if project is None:
        return {}
    every = api.export_by_user(project["id"])
    confirmed = api.export_by_user(project["id"], confirmed_only=True)
    copy = annotator or "all"
    found: dict[str, StanceRows] = {}
    for row in every.get(copy, []):
        if row.get("doc_id") in doc_ids:
            found.setdefault(row["doc_id"], StanceRows()).rows.append(row)
    for row in confirmed.get(copy, []):
        if row.get("doc_id") in found:
            found[row["doc_id"]].confirmed.add(row["id"])
    return found


def stance_states(
    machine: dict, found: StanceRows | None
) -> tuple[dict[tuple[str, str], StanceState], list[dict]]:
    """Each stance example's label by (claim id, target) of the machine record, matched by
    the claim's content anchor; and the orphaned ones (claim gone) that a person judged."""
    states: dict[tuple[str, str], StanceState] = {}
    orphaned: list[dict] = []
    if found is None:
        return states, orphaned
    claims = claim_anchors(machine)
    by_target: dict[str, dict[str, dict]] = {}
    for row in found.rows:
        by_target.setdefault(row.get("target"), {})[str(row["id"])] = row
    for target, rows in by_target.items():
        anchors = {k: example_anchor(r, machine) for k, r in rows.items()}
        result = match({k: a for k, a in anchors.items() if a is not None}, claims)
        for key, claim_id in result.pairs.items():
            row = rows[key]
            label = row["label"][0] if row.get("label") else None
            states[(claim_id, target)] = StanceState(label, row["id"] in found.confirmed)
        for key in [*result.orphaned, *(k for k, a in anchors.items() if a is None)]:
            row = rows[key]
            label = row["label"][0] if row.get("label") else None
            confirmed = row["id"] in found.confirmed
            if confirmed or (label is not None and label != row.get("machine_label")):
                orphaned.append(
                    {
                        "target": target,
                        "label": label,
                        "confirmed": confirmed,
                        "claim_text": claim_of_stance_text(row.get("text", "")),
                        "claim_id_when_pushed": row.get("claim_id"),
                        "example_id": row["id"],
                    }
                )
    return states, orphaned


def _members(api: DoccanoAPI, project_id: int) -> list[str]:
    try:
        return sorted(m["username"] for m in api.members(project_id))
    except ClaimtraceError:
        return []


def _annotator_copy(
    api: DoccanoAPI, project: dict, annotator: str | None
) -> dict[int, tuple[list[dict], list[dict], bool]] | None:
    """For an independent project: one annotator's spans, relations and confirmation by
    example id (their span ids linked to machine keys by label and offsets). None for a
    collaborative project."""
    if project.get("collaborative_annotation", True):
        if annotator:
            raise ClaimtraceError(
                Errors.E317,
                name=project["name"],
                detail="--annotator only applies to independent projects",
                members=", ".join(_members(api, project["id"])) or "?",
            )
        return None
    members = _members(api, project["id"])
    if not annotator or annotator not in members:
        detail = "no --annotator was given" if not annotator else f"{annotator!r} is no member"
        raise ClaimtraceError(
            Errors.E317, name=project["name"], detail=detail, members=", ".join(members) or "?"
        )
    rows = api.export_by_user(project["id"]).get(annotator, [])
    confirmed = {r["id"] for r in api.export_by_user(project["id"], True).get(annotator, [])}
    return {
        row["id"]: (row.get("entities") or [], row.get("relations") or [], row["id"] in confirmed)
        for row in rows
    }


def pull_records(
    api: DoccanoAPI,
    name: str,
    include_unconfirmed: bool = False,
    show_progress: bool = True,
    annotator: str | None = None,
) -> tuple[list[dict], PullReport]:
    """Corrected records of project ``name`` in push order, with ``review`` provenance."""
    api.after = AFTER_PULL
    project = api.find_project(name)
    if project is None:
        raise ClaimtraceError(Errors.E308, name=name, url=api.url)
    pid = project["id"]
    report = PullReport()
    store_project = api.find_project(store_project_name(name))
    if store_project is None:
        raise ClaimtraceError(
            Errors.E315,
            user=api.me()["username"],
            store=store_project_name(name),
            name=name,
            url=api.url,
        )
    store = read_store(api, store_project["id"])
    copies = _annotator_copy(api, project, annotator)
    selected = []
    for example in sorted(api.examples(pid), key=lambda e: e["id"]):
        doc_id = (example.get("meta") or {}).get("doc_id")
        confirmed = copies[example["id"]][2] if copies is not None else example["is_confirmed"]
        if copies is not None and example["id"] not in copies:
            confirmed = False
        example = dict(example, is_confirmed=confirmed)
        if doc_id is None:
            report.foreign_examples += 1
        elif not is_linked(store.get(doc_id), example):
            report.unlinked += 1
        elif confirmed or include_unconfirmed:
            selected.append(example)
        else:
            report.unconfirmed_left_out += 1
    span_names = {v: k for k, v in api.label_types(pid, "span").items()}
    rel_names = {v: k for k, v in api.label_types(pid, "relation").items()}
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("reading annotations", total=len(selected))

        def fetch(example: dict) -> tuple[list[dict], list[dict]]:
            if copies is not None:
                spans, relations, _ = copies.get(example["id"], ([], [], False))
                found = _named(spans, relations, span_names, rel_names)
            else:
                found = api.spans(pid, example["id"]), api.relations(pid, example["id"])
            progress.advance(task)
            return found

        with ThreadPoolExecutor(THREADS) as pool:
            annotations = list(pool.map(fetch, selected))
        doc_ids = {e["meta"]["doc_id"] for e in selected}
        stance = stance_rows(api, name, doc_ids, annotator) if selected else {}
    records = []
    for example, (spans, relations) in zip(selected, annotations, strict=True):
        meta = example["meta"]
        entry = store[meta["doc_id"]]["meta"]["store"]
        machine = entry["record"]
        if example["text"] != machine["text"]:
            raise ClaimtraceError(Errors.E313, doc_id=meta.get("doc_id"))
        keys = entry["spans"] if copies is None else link_spans(machine, spans, span_names)
        states, orphaned = stance_states(machine, stance.get(meta["doc_id"]))
        record = reconstruct(
            machine,
            spans_from_api(example["text"], spans, span_names),
            relations_from_api(relations, rel_names),
            keys,
            example["is_confirmed"],
            states,
            example_id=example["id"],
        )
        record["review"]["orphaned"] = {"stance": orphaned}
        if annotator:
            record["review"]["annotator"] = annotator
        report.orphaned += len(orphaned)
        _count_reviews(record, report.reviews)
        records.append(record)
    report.articles = len(records)
    return records, report


def _named(
    spans: list[dict], relations: list[dict], span_names: dict[int, str], rel_names: dict[int, str]
) -> tuple[list[dict], list[dict]]:
    """Exported spans/relations (label names) in the API's form (label ids)."""
    span_ids = {name: i for i, name in span_names.items()}
    rel_ids = {name: i for i, name in rel_names.items()}
    return (
        [dict(s, label=span_ids.get(s["label"], -1)) for s in spans],
        [dict(r, type=rel_ids.get(r["type"], -1)) for r in relations],
    )


def write_jsonl(records: list[dict], path: Path) -> None:
    """Write records as UTF-8 JSONL (atomic replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
