"""Annotators' unconfirmed work is never discarded silently.

Before a push changes a document that annotators edited without confirming it, the document as
it was (spans, relations and stance labels, who made them, and the record a ``pull --all``
would have given) is written to a backup file in the server's data folder
(``push-state/backups/PROJECT/``, 0600), and the push reports it: merged (everything kept),
partly lost (an item could not be carried into the new version; it is in the backup), or
skipped (``--keep-edited``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.doccano.files import write_private
from pipeline.doccano.state import PushState, slug


@dataclass
class EditReport:
    """Documents and stance examples whose unconfirmed human edits a push met."""

    merged: list[str] = field(default_factory=list)
    partly_lost: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stance_kept: int = 0  # unconfirmed stance labels set by annotators, kept through the push
    users: set[str] = field(default_factory=set)
    backups: list[Path] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.merged or self.partly_lost or self.skipped or self.stance_kept)

    def summary(self, folder: Path) -> str:
        who = ", ".join(sorted(self.users)) or "annotators"
        parts = []
        if self.merged:
            parts.append(f"{len(self.merged)} merged (all edits kept)")
        if self.partly_lost:
            parts.append(
                f"{len(self.partly_lost)} updated with edits that could not be carried over "
                f"({', '.join(self.partly_lost[:5])})"
            )
        if self.skipped:
            parts.append(f"{len(self.skipped)} left unchanged (--keep-edited)")
        if self.stance_kept:
            parts.append(f"{self.stance_kept} stance labels kept")
        text = f"unconfirmed edits by {who}: " + "; ".join(parts)
        if self.backups:
            text += f"; backups in {folder}"
        return text


def write_backup(state: PushState, doc_id: str, content: dict) -> Path:
    """Write one document's backup; returns its path (never overwrites an earlier one)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = state.backups / f"{stamp}-{slug(doc_id)}.json"
    number = 1
    while path.exists():
        number += 1
        path = state.backups / f"{stamp}-{slug(doc_id)}-{number}.json"
    write_private(path, json.dumps(content, ensure_ascii=False, indent=1))
    return path
