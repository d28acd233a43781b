"""The push's resume file: import tasks started but not yet seen finishing.

A push that dies after doccano accepted an import (server down, 5xx, Ctrl-C) leaves the task id
here; the next push waits for that task before deciding what is missing, so nothing is imported
twice. Everything else a rerun needs is read back from the server (``meta.doc_id`` and the
machine-record hash on every example).
"""

from __future__ import annotations

import json
import re
from pathlib import Path


class PushState:
    """Pending import tasks of one project, kept in the server's data folder as JSON."""

    def __init__(self, folder: Path, project: str) -> None:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", project)
        self.path = folder / "push-state" / f"{slug}.json"
        self.pending: list[dict] = []
        if self.path.exists():
            self.pending = json.loads(self.path.read_text(encoding="utf-8")).get("pending", [])

    def save(self) -> None:
        if not self.pending:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pending": self.pending}, indent=1), encoding="utf-8")
        tmp.replace(self.path)

    def add(self, task_id: str, project_id: int) -> None:
        self.pending.append({"task_id": task_id, "project_id": project_id})
        self.save()

    def done(self, task_id: str) -> None:
        self.pending = [p for p in self.pending if p["task_id"] != task_id]
        self.save()
