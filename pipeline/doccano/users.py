"""doccano accounts and project membership from the CLI.

``add`` creates the account when it does not exist and makes it a member of an annotation
project and its ``.stance`` companion with one role (re-running it changes the role); it never
adds anyone to the ``.store`` bookkeeping project. Roles: ``annotator`` (labels and confirms)
and ``approver`` (doccano's ``annotation_approver``: reviews; doccano 1.8.4 gives it no
approve action, so in claimtrace it is an annotator who can also see the project's metrics).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.projects import STORE_SUFFIX, stance_project_name
from pipeline.errors import ClaimtraceError, Errors

ROLES = {"annotator": "annotator", "approver": "annotation_approver"}


@dataclass
class Membership:
    """What ``add_member`` did in one project."""

    project: str
    change: str  # added | role changed | unchanged


def find_user(api: DoccanoAPI, name: str) -> dict | None:
    return next((u for u in api.users() if u["username"] == name), None)


def create_user(api: DoccanoAPI, name: str, password: str, email: str | None = None) -> dict:
    """Create an account (E319 with doccano's reason when it refuses)."""
    try:
        return api.create_user(name, password, email or f"{name}@localhost")
    except ClaimtraceError as exc:
        if exc.code != "E312":
            raise
        detail = exc.message.split(": ", 1)[-1].rstrip(".")
        raise ClaimtraceError(Errors.E319, name=name, detail=detail) from None


def project_names(api: DoccanoAPI, project: str) -> list[tuple[str, int]]:
    """The annotation project and its stance companion (when it exists), with ids."""
    if project.endswith(STORE_SUFFIX):
        raise ClaimtraceError(Errors.E320, project=project)
    found = []
    for name in (project, stance_project_name(project)):
        info = api.find_project(name)
        if info is None and name == project:
            raise ClaimtraceError(Errors.E308, name=project, url=api.url)
        if info is not None:
            found.append((name, info["id"]))
    return found


def add_member(api: DoccanoAPI, user: dict, project: str, role: str) -> list[Membership]:
    """Make ``user`` a member of ``project`` (and ``project.stance``) with ``role``."""
    role_id = api.roles()[ROLES[role]]
    done = []
    for name, project_id in project_names(api, project):
        member = next((m for m in api.members(project_id) if m["user"] == user["id"]), None)
        if member is None:
            api.add_member(project_id, user["id"], role_id)
            done.append(Membership(name, "added"))
        elif member["role"] != role_id:
            api.update_member(project_id, member["id"], user["id"], role_id)
            done.append(Membership(name, "role changed"))
        else:
            done.append(Membership(name, "unchanged"))
    return done


def remove_member(api: DoccanoAPI, user: dict, project: str) -> list[str]:
    """Remove ``user`` from ``project`` and ``project.stance``; returns where it was a member."""
    removed = []
    for name, project_id in project_names(api, project):
        ids = [m["id"] for m in api.members(project_id) if m["user"] == user["id"]]
        if ids:
            api.remove_members(project_id, ids)
            removed.append(name)
    return removed


def list_members(api: DoccanoAPI, project: str) -> list[dict]:
    """``{project, username, role}`` for every member of the project and its companion."""
    rows = []
    for name, project_id in project_names(api, project):
        for member in api.members(project_id):
            rows.append(
                {"project": name, "username": member["username"], "role": member["rolename"]}
            )
    return rows
