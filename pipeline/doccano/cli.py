"""`claimtrace doccano ...` commands (serve, stop, status, push, pull)."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import typer
from rich.console import Console

from pipeline.doccano import server
from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.pull import pull_records, write_jsonl
from pipeline.doccano.push import push_records, read_records
from pipeline.doccano.state import PushState
from pipeline.errors import ClaimtraceError

app = typer.Typer(
    help="Run a local doccano server and move annotations to and from it.", no_args_is_help=True
)
console = Console(stderr=True)

PORT_HELP = (
    "Loopback port (default: env CLAIMTRACE_DOCCANO_PORT, else the last one used, else 8000)."
)
DATA_HELP = "Server data folder: database, logs, PID files, secret key (default .doccano/)."
URL_HELP = "Server URL (default: env CLAIMTRACE_DOCCANO_URL, else the local server's)."


def _fail(exc: ClaimtraceError) -> typer.Exit:
    console.print(f"[red]{exc}[/red]")
    return typer.Exit(1)


def _config(port: int | None, data_dir: Path | None) -> server.ServerConfig:
    return server.default_config(port=port, data_dir=data_dir)


def _connect(url: str | None, port: int | None, data_dir: Path | None, retries: int) -> DoccanoAPI:
    target = url or os.environ.get("CLAIMTRACE_DOCCANO_URL") or _config(port, data_dir).url
    user, password = server.admin_credentials()
    return DoccanoAPI(target, retries=retries).login(user, password)


@app.command()
def serve(
    port: int = typer.Option(None, "--port", help=PORT_HELP),
    data_dir: Path = typer.Option(None, "--data-dir", help=DATA_HELP),
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
    port: int = typer.Option(None, "--port", help=PORT_HELP),
    data_dir: Path = typer.Option(None, "--data-dir", help=DATA_HELP),
) -> None:
    """Stop the server and worker started by `serve` (by their PIDs)."""
    cfg = _config(port, data_dir)
    with console.status("stopping doccano"):
        was_running = server.stop(cfg)
    console.print("doccano stopped" if was_running else "doccano was not running")


@app.command()
def status(
    port: int = typer.Option(None, "--port", help=PORT_HELP),
    data_dir: Path = typer.Option(None, "--data-dir", help=DATA_HELP),
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
    url: str = typer.Option(None, "--url", help=URL_HELP),
    port: int = typer.Option(None, "--port", help=PORT_HELP),
    data_dir: Path = typer.Option(None, "--data-dir", help=DATA_HELP),
    batch_size: int = typer.Option(100, help="Documents per bulk-import batch."),
    retries: int = typer.Option(5, help="Attempts per request before giving up (backoff doubles)."),
) -> None:
    """Create or update examples with pre-annotations; confirmed examples are never overwritten."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        records, errors = read_records(path)
        for doc_id in errors:
            console.print(f"skipping error record {doc_id!r}")
        api = _connect(url, port, data_dir, retries)
        state = PushState(_config(port, data_dir).data_dir, project)
        started = time.monotonic()
        report = push_records(api, records, project, state, batch_size=batch_size)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    typer.echo(report.articles.summary("articles"))
    typer.echo(report.stance.summary("stance examples"))
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
    url: str = typer.Option(None, "--url", help=URL_HELP),
    port: int = typer.Option(None, "--port", help=PORT_HELP),
    data_dir: Path = typer.Option(None, "--data-dir", help=DATA_HELP),
    retries: int = typer.Option(5, help="Attempts per request before giving up (backoff doubles)."),
) -> None:
    """Write the corrected annotations as claimtrace records with per-item provenance."""
    try:
        api = _connect(url, port, data_dir, retries)
        records, report = pull_records(api, project, include_unconfirmed=all_examples)
    except ClaimtraceError as exc:
        raise _fail(exc) from None
    write_jsonl(records, output)
    typer.echo(report.summary())
    console.print(f"wrote {output}")
