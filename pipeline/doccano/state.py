"""The push's resume file: work started but not yet seen finishing.

- ``pending``: import tasks doccano accepted. A push that dies after that (server down, 5xx,
  Ctrl-C) leaves the task id here; the next push waits for that task before deciding what is
  missing, so nothing is imported twice.
- ``updates``: in-place updates of examples (merge.py), each with the target state it was
  converging to. A rerun converges to that same state instead of planning again from a
  half-updated example.

Everything else a rerun needs is read back from the server (``meta.doc_id`` and the
machine-record hash on every example). The file is private (0600) and lives in the server's
data folder, next to the backups of annotators' work (edits.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.doccano.files import write_private


def slug(name: str) -> str:
    """A file-name-safe form of a project or document name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]


class PushState:
    """Pending import tasks (one JSON file) and in-place updates (one file per example) of
    one project."""

    def __init__(self, folder: Path, project: str) -> None:
        self.folder = folder / "push-state"
        self.path = self.folder / f"{slug(project)}.json"
        self.updates_dir = self.folder / f"{slug(project)}.updates"
        self.backups = self.folder / "backups" / slug(project)
        self.pending: list[dict] = []
        if self.path.exists():
            self.pending = json.loads(self.path.read_text(encoding="utf-8")).get("pending", [])

    def save(self) -> None:
        if not self.pending:
            self.path.unlink(missing_ok=True)
            return
        write_private(self.path, json.dumps({"pending": self.pending}, indent=1))

    def add(self, task_id: str, project_id: int) -> None:
        self.pending.append({"task_id": task_id, "project_id": project_id})
        self.save()

    def done(self, task_id: str) -> None:
        self.pending = [p for p in self.pending if p["task_id"] != task_id]
        self.save()

    @property
    def updates(self) -> dict[int, dict]:
        """Unfinished in-place updates by example id."""
        if not self.updates_dir.is_dir():
            return {}
        return {
            int(path.stem): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(self.updates_dir.glob("*.json"))
            if path.stem.isdigit()
        }

    def start_update(self, example_id: int, plan: dict) -> None:
        write_private(self.updates_dir / f"{example_id}.json", json.dumps(plan, ensure_ascii=False))

    def finish_update(self, example_id: int) -> None:
        (self.updates_dir / f"{example_id}.json").unlink(missing_ok=True)
