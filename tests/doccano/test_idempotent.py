"""Re-pushing creates no duplicates, updates unconfirmed examples, never touches confirmed ones."""

from __future__ import annotations

import copy

import pytest

from pipeline.doccano.mapping import strip_review

from .helpers import example_count, pull, push
from .records import crlf_record, emoji_record, plain_record

pytestmark = pytest.mark.doccano


def test_repush_is_idempotent_and_respects_confirmed(api, project_name, tmp_path) -> None:
    records = [emoji_record(), plain_record(), crlf_record()]
    push(api, records, project_name, tmp_path)
    again = push(api, records, project_name, tmp_path)
    assert (again.articles.created, again.articles.updated, again.articles.skipped_unchanged) == (
        0,
        0,
        3,
    )
    assert (again.stance.created, again.stance.updated, again.stance.skipped_unchanged) == (0, 0, 6)
    assert example_count(api, project_name) == 3
    assert example_count(api, f"{project_name}.stance") == 6

    pid = api.find_project(project_name)["id"]
    confirmed = next(e for e in api.examples(pid) if e["meta"]["doc_id"] == "emoji-1")
    api.post(f"projects/{pid}/examples/{confirmed['id']}/states", {})

    # the pipeline changed: every record gets a different speaker resolution / stance
    changed = copy.deepcopy(records)
    for record in changed:
        record["quotes"][0]["speaker"]["resolution"] = "unresolved"
        for claim in record["claims"]:
            for stance in claim["stance"] or []:
                stance["label"] = "neutral" if stance["label"] != "neutral" else "favor"
    report = push(api, changed, project_name, tmp_path)
    assert (
        report.articles.created,
        report.articles.updated,
        report.articles.skipped_confirmed,
    ) == (0, 2, 1)
    assert report.stance.skipped_confirmed == 3 and report.stance.updated == 3
    assert example_count(api, project_name) == 3
    assert example_count(api, f"{project_name}.stance") == 6

    pulled = {r["id"]: strip_review(r) for r in pull(api, project_name, include_unconfirmed=True)}
    assert pulled["emoji-1"] == records[0]  # confirmed: the old (human-checked) version stays
    assert pulled["plain-1"] == changed[1]
    assert pulled["crlf-1"] == changed[2]


def test_dropped_claim_removes_its_stale_stance_example(api, project_name, tmp_path) -> None:
    record = plain_record()
    push(api, [record], project_name, tmp_path)
    smaller = copy.deepcopy(record)
    smaller["claims"] = smaller["claims"][:1]
    report = push(api, [smaller], project_name, tmp_path)
    assert report.articles.updated == 1 and report.stance.removed == 2
    assert example_count(api, f"{project_name}.stance") == 1
    assert strip_review(pull(api, project_name, include_unconfirmed=True)[0]) == smaller
