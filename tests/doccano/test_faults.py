"""Faults: 5xx and outages retry, then fail clearly; a rerun finishes without duplicates."""

from __future__ import annotations

import copy

import pytest

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.mapping import strip_review
from pipeline.doccano.pull import pull_records
from pipeline.doccano.server import free_port
from pipeline.doccano.state import PushState
from pipeline.errors import ClaimtraceError

from .conftest import ADMIN_PASSWORD, ADMIN_USER
from .helpers import example_count, pull, push
from .proxy import FaultProxy
from .records import many_records

pytestmark = pytest.mark.doccano


def _via(proxy: FaultProxy, retries: int = 4) -> DoccanoAPI:
    return DoccanoAPI(proxy.url, retries=retries, backoff=0.05).login(ADMIN_USER, ADMIN_PASSWORD)


def test_transient_503s_are_retried(doccano_server, project_name, tmp_path) -> None:
    records = many_records(6)
    flaky = FaultProxy(doccano_server.url, lambda method, path, n: 3 < n < 40 and n % 3 == 0)
    with flaky:
        report = push(_via(flaky), records, project_name, tmp_path, batch_size=2)
    assert flaky.failed >= 10
    assert report.articles.created == 6
    api = doccano_server.api()
    assert example_count(api, project_name) == 6
    assert [strip_review(r) for r in pull(api, project_name, include_unconfirmed=True)] == records


def test_outage_mid_push_then_rerun_finishes_without_duplicates(
    doccano_server, project_name, tmp_path
) -> None:
    records = many_records(8)
    ingested = []

    def down_after_second_import(method: str, path: str, n: int) -> bool:
        if len(ingested) >= 2:
            return True
        if method == "POST" and path.endswith("/upload"):
            ingested.append(path)
        return False

    with (
        FaultProxy(doccano_server.url, down_after_second_import) as proxy,
        pytest.raises(ClaimtraceError) as failure,
    ):
        push(_via(proxy, retries=3), records, project_name, tmp_path, batch_size=2)
    assert failure.value.code == "E306" and "rerun" in failure.value.hint
    api = doccano_server.api()
    state = PushState(tmp_path, project_name)
    assert len(state.pending) == 1  # the second import was started but never seen finishing

    report = push(api, records, project_name, tmp_path, batch_size=2)
    assert report.articles.created == 4 and report.articles.skipped_unchanged == 4
    assert report.articles.removed == 0
    assert not state.path.exists()
    assert example_count(api, project_name) == 8
    assert [strip_review(r) for r in pull(api, project_name, include_unconfirmed=True)] == records


def test_server_down_gives_clear_error_after_retries() -> None:
    api = DoccanoAPI(f"http://127.0.0.1:{free_port()}", retries=3, backoff=0.01)
    with pytest.raises(ClaimtraceError) as failure:
        api.login(ADMIN_USER, ADMIN_PASSWORD)
    assert failure.value.code == "E305" and "claimtrace doccano serve" in failure.value.hint


def test_wrong_credentials_give_clear_error(doccano_server) -> None:
    with pytest.raises(ClaimtraceError) as failure:
        DoccanoAPI(doccano_server.url).login(ADMIN_USER, "not-the-password")
    assert failure.value.code == "E307"
    assert "not-the-password" not in str(failure.value)


def test_remote_urls_are_refused() -> None:
    with pytest.raises(ClaimtraceError) as failure:
        DoccanoAPI("http://example.com:8000")
    assert failure.value.code == "E311"


def _changed(record: dict) -> dict:
    """A new pipeline version: the first cue is gone, and "mayor" is capitalised in the text."""
    changed = copy.deepcopy(record)
    quote = next(q for q in changed["quotes"] if q["cue"])
    quote["cue"] = None
    for claim in changed["claims"]:
        if claim["quote_id"] == quote["id"]:
            claim["cue"] = None
    changed["text"] = changed["text"].replace("The mayor", "The Mayor")
    return changed


def test_outage_during_in_place_updates_then_rerun_finishes(
    doccano_server, project_name, tmp_path
) -> None:
    records = many_records(6)
    api = doccano_server.api()
    push(api, records, project_name, tmp_path)
    pid = api.find_project(project_name)["id"]
    ids = [e["id"] for e in api.examples(pid)]
    changed = [_changed(r) for r in records]
    span_writes = []

    def down_after_two_span_writes(method: str, path: str, n: int) -> bool:
        if "/spans" in path and method in ("POST", "DELETE"):
            span_writes.append(path)
        return len(span_writes) > 2

    with (
        FaultProxy(doccano_server.url, down_after_two_span_writes) as proxy,
        pytest.raises(ClaimtraceError),
    ):
        push(_via(proxy, retries=2), changed, project_name, tmp_path)
    assert PushState(tmp_path, project_name).updates  # journalled, unfinished
    _, report = pull_records(api, project_name, True, show_progress=False)
    assert report.unlinked >= 1  # half-updated documents are left out, not pulled wrong

    again = push(api, changed, project_name, tmp_path)
    assert again.articles.created == 0 and not again.edits
    assert not PushState(tmp_path, project_name).updates
    assert [e["id"] for e in api.examples(pid)] == ids  # in place: same examples, same order
    assert [strip_review(r) for r in pull(api, project_name, include_unconfirmed=True)] == changed
