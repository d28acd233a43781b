"""Shared steps of the doccano integration tests."""

from __future__ import annotations

from pathlib import Path

from doccano_client import DoccanoClient

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.pull import pull_records
from pipeline.doccano.push import PushReport, push_records
from pipeline.doccano.state import PushState

from .conftest import ADMIN_PASSWORD, ADMIN_USER


def push(
    api: DoccanoAPI, records: list[dict], project: str, state_dir: Path, batch_size: int = 100
) -> PushReport:
    return push_records(
        api,
        records,
        project,
        PushState(state_dir, project),
        batch_size=batch_size,
        show_progress=False,
    )


def pull(api: DoccanoAPI, project: str, include_unconfirmed: bool = False) -> list[dict]:
    return pull_records(api, project, include_unconfirmed, show_progress=False)[0]


def admin_client(url: str) -> DoccanoClient:
    client = DoccanoClient(url)
    client.login(username=ADMIN_USER, password=ADMIN_PASSWORD)
    return client


def example_count(api: DoccanoAPI, project: str) -> int:
    return len(api.examples(api.find_project(project)["id"]))
