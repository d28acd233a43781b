"""Shared steps of the doccano integration tests."""

from __future__ import annotations

from pathlib import Path

from doccano_client import DoccanoClient

from pipeline.doccano import users as accounts
from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.pull import pull_records
from pipeline.doccano.push import PushOptions, PushReport, push_records
from pipeline.doccano.state import PushState

from .conftest import ADMIN_PASSWORD, ADMIN_USER


def push(
    api: DoccanoAPI,
    records: list[dict],
    project: str,
    state_dir: Path,
    batch_size: int = 100,
    **options: object,
) -> PushReport:
    return push_records(
        api,
        records,
        project,
        PushState(state_dir, project),
        options=PushOptions(batch_size=batch_size, show_progress=False, **options),
    )


def pull(
    api: DoccanoAPI, project: str, include_unconfirmed: bool = False, annotator: str | None = None
) -> list[dict]:
    return pull_records(
        api, project, include_unconfirmed, show_progress=False, annotator=annotator
    )[0]


def admin_client(url: str) -> DoccanoClient:
    client = DoccanoClient(url)
    client.login(username=ADMIN_USER, password=ADMIN_PASSWORD)
    return client


def example_count(api: DoccanoAPI, project: str) -> int:
    return len(api.examples(api.find_project(project)["id"]))


ANNOTATOR_PASSWORD = "Annot-Pw-4k9x"  # test-only accounts of the throwaway test server


def annotator(url: str, project: str, name: str, role: str = "annotator") -> DoccanoAPI:
    """An annotator account (created through claimtrace's own users module) that is a member
    of ``project`` and its ``.stance`` companion, logged in as itself."""
    admin = DoccanoAPI(url, retries=3, backoff=0.05).login(ADMIN_USER, ADMIN_PASSWORD)
    user = accounts.find_user(admin, name) or accounts.create_user(admin, name, ANNOTATOR_PASSWORD)
    accounts.add_member(admin, user, project, role)
    return DoccanoAPI(url, retries=3, backoff=0.05).login(name, ANNOTATOR_PASSWORD)


def confirm(api: DoccanoAPI, project_id: int, example_id: int) -> None:
    """Confirm an example (the state endpoint toggles: only when it is not confirmed)."""
    example = api.get(f"projects/{project_id}/examples/{example_id}")
    if not example["is_confirmed"]:
        api.post(f"projects/{project_id}/examples/{example_id}/states", {})


def set_stance(api: DoccanoAPI, project: str, example_id: int, label: str) -> None:
    """Pick a stance label as an annotator would."""
    pid = api.find_project(f"{project}.stance")["id"]
    api.set_category(pid, example_id, api.label_types(pid, "category")[label])


def stance_examples(api: DoccanoAPI, project: str) -> list[dict]:
    return api.examples(api.find_project(f"{project}.stance")["id"])
