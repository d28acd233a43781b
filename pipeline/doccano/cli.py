"""`claimtrace doccano ...` commands: serve, stop, status, push, pull, pages, users, agreement."""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.doccano import agreement as agreement_measures
from pipeline.doccano import server
from pipeline.doccano import users as accounts
from pipeline.doccano.client import AFTER_OTHER, AFTER_PULL, AFTER_PUSH, DoccanoAPI
from pipeline.doccano.pages import page_links
from pipeline.doccano.pull import pull_records, write_jsonl
from pipeline.doccano.push import PushOptions, push_records, read_records
from pipeline.doccano.state import PushState
from pipeline.errors import ClaimtraceError, Errors

app = typer.Typer(
    help="Run a local doccano server and move annotations to and from it.", no_args_is_help=True
)
users_app = typer.Typer(help="doccano accounts and project membership.", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(stderr=True)
NEW_PASSWORD_ENV = "CLAIMTRACE_DOCCANO_NEW_PASSWORD"

PORT_HELP = (
    "Loopback port (default: env CLAIMTRACE_DOCCANO_PORT, else the last one used, else 8000)."
)
DATA_HELP = "Server data folder: database, logs, PID files, secret key (default .doccano/)."
URL_HELP = "Server URL (default: env CLAIMTRACE_DOCCANO_URL, else the local server's)."
Url = Annotated[str | None, typer.Option("--url", help=URL_HELP)]
Port = Annotated[int | None, typer.Option("--port", help=PORT_HELP)]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help=DATA_HELP)]


def _fail(exc: ClaimtraceError) -> typer.Exit:
    console.print(f"[red]{exc}[/red]")
    return typer.Exit(1)


def _config(port: int | None, data_dir: Path | None) -> server.ServerConfig:
    return server.default_config(port=port, data_dir=data_dir)


def _connect(
    url: str | None, port: int | None, data_dir: Path | None, retries: int, after: str = AFTER_OTHER
) -> DoccanoAPI:
    target = url or os.environ.get("CLAIMTRACE_DOCCANO_URL") or _config(port, data_dir).url
    user, password = server.admin_credentials()
    api = DoccanoAPI(target, retries=retries)
    api.after = after  # what E305/E306 tell the user to do next
    return api.login(user, password)


@app.command()
def serve(
    port: Port = None,
    data_dir: DataDir = None,
    install: bool = typer.Option(
        True, "--install/--no-install", help="Install the server venv (.venv-doccano) when missing."
    ),
    timeout: float = typer.Option(180.0, help="Seconds to wait until the server answers."),
) -> None:
    """Start doccano on 127.0.0.1 (installing it the first time) and wait until it answers."""
    cfg = _config(port, data_dir)
    try:
        server.admin_credentials()
        if not server.venv_ready(cfg):
            if not install:
                raise ClaimtraceError(server.Errors.E314, path=str(cfg.venv_dir))
            with console.status(f"installing doccano 1.8.4 into {cfg.venv_dir} (~2 min)"):
                server.install_venv(cfg, cfg.data_dir / "install.log")
        started = time.monotonic()
        with console.status(f"starting doccano on {cfg.url}"):
            url = server.start(cfg, timeout=timeout)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    console.print(
        f"doccano is up at {url} ({time.monotonic() - started:.1f} s); "
        f"log in with the account in DOCCANO_ADMIN_USER. Data: {cfg.data_dir}"
    )


@app.command()
def stop(
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Stop the server and worker started by `serve` (by their PIDs)."""
    cfg = _config(port, data_dir)
    with console.status("stopping doccano"):
        was_running = server.stop(cfg)
    console.print("doccano stopped" if was_running else "doccano was not running")


@app.command()
def status(
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Show whether the server runs, its PIDs and whether it answers; exit 1 when it does not."""
    info = server.status(_config(port, data_dir))
    typer.echo(json.dumps(info, indent=2))
    if not info["answers"]:
        raise typer.Exit(1)


@app.command()
def push(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="JSONL written by `claimtrace annotate`."
    ),
    project: str = typer.Option(
        ..., "--project", help="doccano project name (created if missing)."
    ),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
    batch_size: int = typer.Option(100, help="Documents per bulk-import batch."),
    retries: int = typer.Option(5, help="Attempts per request before giving up (backoff doubles)."),
    keep_edited: bool = typer.Option(
        False,
        "--keep-edited",
        help="Leave documents with unconfirmed annotator edits unchanged (default: merge the "
        "new output into them, after a backup).",
    ),
    all_targets: bool = typer.Option(
        False,
        "--all-targets",
        help="Push stance examples for every target in the records (default: an article's "
        "meta.targets, else the run-wide targets it is about).",
    ),
    stance_order: str = typer.Option(
        "uncertainty",
        help="Order of new stance examples: 'uncertainty' (least certain first) or 'document'.",
    ),
    document_order: str = typer.Option(
        "input",
        help="Order of new documents: 'input' or 'uncertainty' (least certain claim first).",
    ),
    independent: bool = typer.Option(
        False,
        "--independent",
        help="Agreement round: each annotator labels their own copy blind (a new project).",
    ),
) -> None:
    """Create or update examples with pre-annotations; confirmed examples are never overwritten."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for name, value, allowed in (
        ("--stance-order", stance_order, ("uncertainty", "document")),
        ("--document-order", document_order, ("input", "uncertainty")),
    ):
        if value not in allowed:
            raise typer.BadParameter(f"{name} must be one of {', '.join(allowed)}")
    options = PushOptions(
        batch_size=batch_size,
        keep_edited=keep_edited,
        all_targets=all_targets,
        stance_order=stance_order,
        document_order=document_order,
        independent=independent,
    )
    try:
        records, errors = read_records(path)
        for doc_id in errors:
            console.print(f"skipping error record {doc_id!r}")
        api = _connect(url, port, data_dir, retries, AFTER_PUSH)
        state = PushState(_config(port, data_dir).data_dir, project)
        started = time.monotonic()
        report = push_records(api, records, project, state, options=options)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    typer.echo(report.articles.summary("articles"))
    typer.echo(report.stance.summary("stance examples"))
    if report.edits:
        console.print(f"[yellow]warning: {report.edits.summary(state.backups)}[/yellow]")
    console.print(
        f"pushed {len(records)} articles to {project!r} in {time.monotonic() - started:.1f} s"
    )


@app.command()
def pull(
    project: str = typer.Option(..., "--project", help="doccano project name."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the gold JSONL."),
    all_examples: bool = typer.Option(
        False, "--all", help="Include unconfirmed examples (default: confirmed only)."
    ),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
    retries: int = typer.Option(5, help="Attempts per request before giving up (backoff doubles)."),
    annotator: str = typer.Option(
        None, "--annotator", help="Independent (agreement) project: whose copy to pull."
    ),
    rerun: bool = typer.Option(
        True,
        "--rerun/--no-rerun",
        help="Run the pipeline's claims and stance over quotes annotators added.",
    ),
    config: str = typer.Option(
        None, "--config", help="Pipeline config for --rerun (default configs/default.cfg)."
    ),
) -> None:
    """Write the corrected annotations as claimtrace records with per-item provenance."""
    try:
        api = _connect(url, port, data_dir, retries, AFTER_PULL)
        records, report = pull_records(
            api, project, include_unconfirmed=all_examples, annotator=annotator
        )
        if rerun:
            with console.status("claims for annotator-added quotes"):
                from pipeline.doccano.rerun import loader, rerun_added_quotes  # imports spaCy

                added = rerun_added_quotes(records, loader(config))
            if added:
                report.reviews["rerun"] += added
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    write_jsonl(records, output)
    typer.echo(report.summary())
    console.print(f"wrote {output}")


@app.command()
def pages(
    project: str = typer.Option(..., "--project", help="doccano project name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """The annotation page of every document (to hand out work by page)."""
    try:
        api = _connect(url, port, data_dir, 5)
        rows = page_links(api, project)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        state = "confirmed" if row["confirmed"] else ""
        typer.echo(f"{row['page']:>5}  {row['doc_id']:<30} {state:<10} {row['url']}")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Account name (created if it does not exist)."),
    role: str = typer.Option(..., "--role", help="annotator or approver."),
    projects: list[str] = typer.Option(
        ..., "--project", help="Annotation project (its .stance companion too); repeatable."
    ),
    password_env: str = typer.Option(
        NEW_PASSWORD_ENV,
        "--password-env",
        help="Environment variable holding a new account's password.",
    ),
    generate: bool = typer.Option(
        False, "--generate-password", help="Make a random password and print it once."
    ),
    email: str = typer.Option(None, "--email", help="E-mail of a new account."),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Create an annotator account and make it a member of projects."""
    if role not in accounts.ROLES:
        raise typer.BadParameter(f"--role must be one of {', '.join(accounts.ROLES)}")
    try:
        api = _connect(url, port, data_dir, 5)
        user = accounts.find_user(api, name)
        if user is None:
            password = _new_password(name, password_env, generate)
            user = accounts.create_user(api, name, password, email)
            console.print(f"created account {name!r}")
        for project in projects:
            for done in accounts.add_member(api, user, project, role):
                typer.echo(f"{name}: {done.project}: {role} ({done.change})")
    except ClaimtraceError as exc:
        raise _fail(exc) from None


def _new_password(name: str, env: str, generate: bool) -> str:
    """A new account's password: env variable, else generated (printed once), else asked."""
    if os.environ.get(env):
        return os.environ[env]
    if generate:
        password = secrets.token_urlsafe(12)
        typer.echo(f"password for {name}: {password}  (shown once; hand it over privately)")
        return password
    if sys.stdin.isatty():
        return typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    raise ClaimtraceError(Errors.E318, name=name)


@users_app.command("list")
def users_list(
    project: str = typer.Option(..., "--project", help="Annotation project."),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Members of a project and its .stance companion, with their roles."""
    try:
        rows = accounts.list_members(_connect(url, port, data_dir, 5), project)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    for row in rows:
        typer.echo(f"{row['project']:<40} {row['username']:<20} {row['role']}")


@users_app.command("remove")
def users_remove(
    name: str = typer.Argument(..., help="Account name."),
    project: str = typer.Option(..., "--project", help="Annotation project."),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Remove an account from a project and its .stance companion (the account stays)."""
    try:
        api = _connect(url, port, data_dir, 5)
        user = accounts.find_user(api, name)
        if user is None:
            raise ClaimtraceError(Errors.E321, name=name, url=api.url)
        removed = accounts.remove_member(api, user, project)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    typer.echo(f"{name}: removed from {', '.join(removed) or 'nothing (not a member)'}")


@app.command()
def agreement(
    project: str = typer.Option(..., "--project", help="Independent (agreement) project."),
    annotators: list[str] = typer.Option(
        None, "--annotator", help="Only these annotators (repeatable; default: every member)."
    ),
    include_machine: bool = typer.Option(
        False, "--include-machine", help="Count the pre-annotations as one more annotator."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    url: Url = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Span F1 per label, speaker agreement and stance kappa between annotators."""
    try:
        api = _connect(url, port, data_dir, 5)
        result = agreement_measures.measure(api, project, annotators or None, include_machine)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=1))
    else:
        typer.echo(agreement_measures.table(result))
