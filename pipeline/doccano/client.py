"""A small doccano REST client with retries and coded errors.

Every call retries connection failures and 5xx answers with exponential backoff, then raises
``ClaimtraceError`` (E305 unreachable, E306 failing) so callers can stop cleanly and a rerun can
resume. Only loopback URLs are accepted. Credentials are sent once at login and kept nowhere.
"""

from __future__ import annotations

import io
import json
import logging
import time
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import requests

from pipeline.errors import ClaimtraceError, Errors

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
PAGE = 500
AFTER_PUSH = "rerun the push: it resumes where it stopped and creates nothing twice."
AFTER_PULL = "rerun the pull: it writes its output only once it has read everything."
AFTER_OTHER = "rerun the command."


def check_loopback(url: str) -> str:
    """Return the URL without a trailing slash; E311 unless it points at this machine."""
    if urlparse(url).hostname not in LOOPBACK_HOSTS:
        raise ClaimtraceError(Errors.E311, url=url)
    return url.rstrip("/")


class DoccanoAPI:
    """Session-authenticated access to one doccano server's ``/v1`` API."""

    def __init__(
        self, url: str, *, retries: int = 5, backoff: float = 0.5, timeout: float = 60.0
    ) -> None:
        self.url = check_loopback(url)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.after = AFTER_OTHER  # what the user should do after E305/E306 (push, pull, ...)
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "Referer": self.url})

    # ------------------------------------------------------------ transport

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One API call with retries on connection errors and 5xx; 4xx raise E312."""
        target = f"{self.url}/v1/{path.lstrip('/')}"
        last_status: int | None = None
        last_error = ""
        for attempt in range(1, self.retries + 1):
            try:
                response = self.session.request(method, target, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                last_status, last_error = None, type(exc).__name__
            else:
                if response.status_code < 500:
                    if response.status_code >= 400:
                        raise ClaimtraceError(
                            Errors.E312,
                            method=method,
                            path=path,
                            status=response.status_code,
                            detail=response.text[:300],
                        )
                    return response
                last_status, last_error = response.status_code, response.text[:200]
            if attempt < self.retries:
                delay = min(self.backoff * 2 ** (attempt - 1), 8.0)
                log.warning(
                    "doccano %s %s failed (%s); retry %d/%d in %.1f s",
                    method,
                    path,
                    last_status or last_error,
                    attempt,
                    self.retries - 1,
                    delay,
                )
                time.sleep(delay)
        if last_status is None:
            raise ClaimtraceError(Errors.E305, url=self.url, detail=last_error, after=self.after)
        raise ClaimtraceError(
            Errors.E306,
            url=self.url,
            method=method,
            path=path,
            status=last_status,
            attempts=self.retries,
            after=self.after,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None).json()

    def post(self, path: str, payload: Any) -> Any:
        response = self.request("POST", path, json=payload)
        return response.json() if response.content else None

    def patch(self, path: str, payload: Any) -> Any:
        return self.request("PATCH", path, json=payload).json()

    def delete(self, path: str, payload: Any = None) -> None:
        self.request("DELETE", path, json=payload)

    def paged(self, path: str, **params: Any) -> Iterator[dict]:
        """All results of a limit/offset paginated list."""
        offset = 0
        while True:
            page = self.get(path, limit=PAGE, offset=offset, **params)
            yield from page["results"]
            offset += PAGE
            if not page.get("next"):
                return

    # ------------------------------------------------------------ session

    def login(self, username: str, password: str) -> DoccanoAPI:
        """Log in (session cookie + CSRF header); E307 when the server rejects the account."""
        try:
            self.request("POST", "auth/login/", json={"username": username, "password": password})
        except ClaimtraceError as exc:
            if exc.code == "E312":
                status = exc.message.split("HTTP ")[1].split(":")[0]
                raise ClaimtraceError(Errors.E307, url=self.url, status=status) from None
            raise
        self.session.headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
        return self

    # ------------------------------------------------------------ projects and labels

    def find_project(self, name: str) -> dict | None:
        """The project with exactly this name, or None."""
        for project in self.paged("projects"):
            if project["name"] == name:
                return project
        return None

    def label_types(self, project_id: int, kind: str) -> dict[str, int]:
        """Label type name -> id; kind is ``span``, ``relation`` or ``category``."""
        return {t["text"]: t["id"] for t in self.get(f"projects/{project_id}/{kind}-types")}

    def create_label_type(
        self, project_id: int, kind: str, text: str, color: str, suffix_key: str | None = None
    ) -> int:
        payload = {
            "text": text,
            "background_color": color,
            "text_color": "#ffffff",
            "suffix_key": suffix_key,
        }
        return self.post(f"projects/{project_id}/{kind}-types", payload)["id"]

    # ------------------------------------------------------------ examples and annotations

    def examples(self, project_id: int, **params: Any) -> list[dict]:
        return list(self.paged(f"projects/{project_id}/examples", **params))

    def count_examples(self, project_id: int) -> int:
        return self.get(f"projects/{project_id}/examples", limit=1)["count"]

    def spans(self, project_id: int, example_id: int) -> list[dict]:
        return self.get(f"projects/{project_id}/examples/{example_id}/spans")

    def relations(self, project_id: int, example_id: int) -> list[dict]:
        return self.get(f"projects/{project_id}/examples/{example_id}/relations")

    def categories(self, project_id: int, example_id: int) -> list[dict]:
        return self.get(f"projects/{project_id}/examples/{example_id}/categories")

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None:
        if example_ids:
            self.delete(f"projects/{project_id}/examples", {"ids": example_ids})

    def update_example(self, project_id: int, example_id: int, **fields: Any) -> dict:
        """PATCH an example's ``text`` and/or ``meta`` (confirmation state is untouched)."""
        return self.patch(f"projects/{project_id}/examples/{example_id}", fields)

    def create_span(
        self, project_id: int, example_id: int, label: int, start: int, end: int
    ) -> int:
        path = f"projects/{project_id}/examples/{example_id}/spans"
        return self.post(path, {"label": label, "start_offset": start, "end_offset": end})["id"]

    def delete_span(self, project_id: int, example_id: int, span_id: int) -> None:
        self.delete(f"projects/{project_id}/examples/{example_id}/spans/{span_id}")

    def create_relation(
        self, project_id: int, example_id: int, kind: int, source: int, target: int
    ) -> int:
        path = f"projects/{project_id}/examples/{example_id}/relations"
        return self.post(path, {"type": kind, "from_id": source, "to_id": target})["id"]

    def delete_relation(self, project_id: int, example_id: int, relation_id: int) -> None:
        self.delete(f"projects/{project_id}/examples/{example_id}/relations/{relation_id}")

    def set_category(self, project_id: int, example_id: int, label: int) -> None:
        """Replace the label of a single-label classification example."""
        path = f"projects/{project_id}/examples/{example_id}/categories"
        for category in self.get(path):
            self.delete(f"{path}/{category['id']}")
        self.post(path, {"label": label})

    # ------------------------------------------------------------ accounts and members

    def me(self) -> dict:
        """The logged-in account (``id``, ``username``, ``is_superuser``)."""
        return self.get("me")

    def users(self) -> list[dict]:
        return self.get("users")

    def create_user(self, username: str, password: str, email: str) -> dict:
        payload = {
            "username": username,
            "password1": password,
            "password2": password,
            "email": email,
        }
        return self.post("users/create", payload)

    def roles(self) -> dict[str, int]:
        return {r["name"]: r["id"] for r in self.get("roles")}

    def members(self, project_id: int) -> list[dict]:
        return self.get(f"projects/{project_id}/members")

    def add_member(self, project_id: int, user_id: int, role_id: int) -> dict:
        return self.post(f"projects/{project_id}/members", {"user": user_id, "role": role_id})

    def update_member(self, project_id: int, member_id: int, user_id: int, role_id: int) -> dict:
        path = f"projects/{project_id}/members/{member_id}"
        return self.patch(path, {"user": user_id, "role": role_id})

    def remove_members(self, project_id: int, member_ids: list[int]) -> None:
        self.delete(f"projects/{project_id}/members", {"ids": member_ids})

    # ------------------------------------------------------------ bulk import

    def start_import(self, project_id: int, payload: bytes, filename: str, task: str) -> str:
        """Upload a JSONL file and start doccano's import with an explicit UTF-8 encoding
        (without it the server guesses with chardet and can fail silently)."""
        upload = self.request(
            "POST",
            "fp/process/",
            files={"filepond": (filename, payload)},
            headers={"Accept": "*/*"},
        )
        upload_id = upload.content.decode()
        started = self.post(
            f"projects/{project_id}/upload",
            {"uploadIds": [upload_id], "task": task, "format": "JSONL", "encoding": "utf_8"},
        )
        return started["task_id"]

    def wait_task(self, task_id: str, timeout: float = 600.0) -> dict:
        """Poll a celery task until ready; returns its status (``result``, ``error``)."""
        deadline = time.monotonic() + timeout
        delay = 0.2
        while True:
            status = self.get(f"tasks/status/{task_id}")
            if status.get("ready"):
                return status
            if time.monotonic() > deadline:
                raise ClaimtraceError(
                    Errors.E309,
                    batch=task_id,
                    project="?",
                    detail=f"import still running after {timeout:.0f} s",
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)

    # ------------------------------------------------------------ bulk export

    def export(self, project_id: int, confirmed_only: bool = False) -> list[dict]:
        """All (or all confirmed) examples of a project with their labels, in one celery export
        (JSONL lines: ``id``, ``text``, meta keys, and ``entities``/``relations`` or ``label``)."""
        return [
            row for rows in self.export_by_user(project_id, confirmed_only).values() for row in rows
        ]

    def export_by_user(
        self, project_id: int, confirmed_only: bool = False
    ) -> dict[str, list[dict]]:
        """The export's files by name: ``all`` for a collaborative project, else one per member
        (each with that member's own labels; ``confirmed_only``: the examples they confirmed)."""
        task_id = self.post(
            f"projects/{project_id}/download", {"format": "JSONL", "exportApproved": confirmed_only}
        )["task_id"]
        status = self.wait_task(task_id)
        if status.get("error"):
            raise ClaimtraceError(
                Errors.E312,
                method="POST",
                path=f"projects/{project_id}/download",
                status="task error",
                detail=str(status["error"])[:300],
            )
        answer = self.request("GET", f"projects/{project_id}/download", params={"taskId": task_id})
        files: dict[str, list[dict]] = {}
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            for name in archive.namelist():
                lines = archive.read(name).decode("utf-8").splitlines()
                files[name.rsplit(".", 1)[0]] = [json.loads(x) for x in lines if x.strip()]
        return files
