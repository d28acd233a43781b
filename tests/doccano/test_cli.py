"""`claimtrace doccano serve|stop|status|push|pull` through the CLI, against real servers."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.doccano import server
from pipeline.doccano.cli import app
from pipeline.doccano.mapping import strip_review

from .conftest import ADMIN_PASSWORD
from .helpers import ANNOTATOR_PASSWORD, annotator, push
from .records import emoji_record, error_record, plain_record

pytestmark = pytest.mark.doccano
runner = CliRunner()


def _where(doccano_server) -> list[str]:
    return ["--port", str(doccano_server.cfg.port), "--data-dir", str(doccano_server.cfg.data_dir)]


def test_status_and_serve_when_already_running(doccano_server) -> None:
    result = runner.invoke(app, ["status", *_where(doccano_server)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["answers"] is True and info["web_pid"] and info["worker_pid"]
    again = runner.invoke(app, ["serve", "--no-install", *_where(doccano_server)])
    assert again.exit_code == 0 and "doccano is up" in again.output


def test_secret_key_is_generated_private_and_used(doccano_server) -> None:
    cfg = doccano_server.cfg
    assert stat.S_IMODE(cfg.secret_file.stat().st_mode) == 0o600
    key = cfg.secret_file.read_text().strip()
    assert len(key) >= 50 and key != "v8sk33sy82!uw3ty=!jjv5vp7=s2phrzw(m(hrn^f7e_#1h2al"
    environ = Path(f"/proc/{server.read_pid(cfg.web_pid_file)}/environ").read_bytes().split(b"\0")
    assert f"SECRET_KEY={key}".encode() in environ


def test_credentials_never_reach_logs_argv_or_server_env(doccano_server) -> None:
    cfg = doccano_server.cfg
    secret = ADMIN_PASSWORD.encode()
    for path in cfg.data_dir.rglob("*"):
        if path.is_file() and path.suffix != ".sqlite3" and "sqlite3" not in path.name:
            assert secret not in path.read_bytes(), path
    for pid_file in (cfg.web_pid_file, cfg.task_pid_file):
        pid = server.read_pid(pid_file)
        assert secret not in Path(f"/proc/{pid}/cmdline").read_bytes()
        assert secret not in Path(f"/proc/{pid}/environ").read_bytes()


def test_cli_push_prints_counts_and_pull_writes_gold(
    doccano_server, project_name, tmp_path
) -> None:
    source = tmp_path / "annotated.jsonl"
    records = [emoji_record(), plain_record()]
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*records, error_record()]),
        encoding="utf-8",
    )
    args = ["--project", project_name, *_where(doccano_server)]
    first = runner.invoke(app, ["push", str(source), *args])
    assert first.exit_code == 0, first.output
    assert "articles: created 2, updated 0, skipped 0" in first.output
    assert "skipping error record 'broken-1'" in first.output
    second = runner.invoke(app, ["push", str(source), *args])
    assert "articles: created 0, updated 0, skipped 2 (confirmed 0, unchanged 2)" in second.output
    gold = tmp_path / "gold" / f"{project_name}.jsonl"
    confirmed_only = runner.invoke(app, ["pull", "-o", str(gold), *args])
    assert confirmed_only.exit_code == 0 and gold.read_text() == ""
    assert "left out 2 unconfirmed" in confirmed_only.output
    everything = runner.invoke(app, ["pull", "--all", "-o", str(gold), *args])
    assert everything.exit_code == 0, everything.output
    pulled = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [strip_review(r) for r in pulled] == records


def test_cli_errors_are_coded_and_never_echo_the_password(
    doccano_server, project_name, monkeypatch, tmp_path
) -> None:
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(plain_record()) + "\n", encoding="utf-8")
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, "wrong-password-123")
    wrong = runner.invoke(
        app, ["push", str(source), "--project", project_name, *_where(doccano_server)]
    )
    assert wrong.exit_code == 1 and "E307" in wrong.output
    assert "wrong-password-123" not in wrong.output
    monkeypatch.delenv(server.ADMIN_USER_ENV)
    missing = runner.invoke(
        app, ["pull", "-o", str(tmp_path / "x.jsonl"), "--project", "x", *_where(doccano_server)]
    )
    assert (
        missing.exit_code == 1
        and "E301" in missing.output
        and "DOCCANO_ADMIN_USER" in missing.output
    )
    monkeypatch.setenv(server.ADMIN_USER_ENV, "ct-admin")
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, ADMIN_PASSWORD)
    unknown = runner.invoke(
        app, ["pull", "-o", str(tmp_path / "x.jsonl"), "--project", "nope", *_where(doccano_server)]
    )
    assert unknown.exit_code == 1 and "E308" in unknown.output


def _modes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)
        for p in folder.rglob("*")
        if not p.is_symlink()
    }


def test_serve_then_stop_a_second_server(doccano_server, project_name, tmp_path) -> None:
    """A full `serve` / `status` / `stop` cycle on its own port and a data folder the user made
    world-readable, holding a database from an older install (0644): everything in it ends up
    private, and so does what pushes write there."""
    port = server.free_port()
    data = tmp_path / "data"
    where = ["--port", str(port), "--data-dir", str(data)]
    # reuse the session server's migrated database to keep this test short
    data.mkdir()
    data.chmod(0o755)
    source_db = doccano_server.cfg.data_dir / "db.sqlite3"
    (data / "db.sqlite3").write_bytes(source_db.read_bytes())
    (data / "db.sqlite3").chmod(0o644)
    try:
        up = runner.invoke(app, ["serve", "--no-install", *where])
        assert up.exit_code == 0, up.output
        assert runner.invoke(app, ["status", *where]).exit_code == 0
        assert not server.port_free(port)
        source = tmp_path / "one.jsonl"
        source.write_text(json.dumps(plain_record()) + "\n", encoding="utf-8")
        pushed = runner.invoke(app, ["push", str(source), "--project", project_name, *where])
        assert pushed.exit_code == 0, pushed.output
        modes = _modes(data)
        for name in (
            "db.sqlite3",
            "web.log",
            "task.log",
            "setup.log",
            "secret_key",
            "web.pid",
            "task.pid",
            "server.json",
        ):
            assert modes.pop(name) == 0o600, name
        assert modes and all(
            m == (0o700 if (data / p).is_dir() else 0o600) for p, m in modes.items()
        ), modes
        assert stat.S_IMODE(data.stat().st_mode) == 0o755  # the user's folder keeps its mode
    finally:
        down = runner.invoke(app, ["stop", *where])
    assert down.exit_code == 0 and "doccano stopped" in down.output
    assert server.port_free(port)
    assert runner.invoke(app, ["status", *where]).exit_code == 1
    assert "not running" in runner.invoke(app, ["stop", *where]).output


def test_session_server_files_are_private(doccano_server) -> None:
    modes = _modes(doccano_server.cfg.data_dir)
    assert "db.sqlite3" in modes and "web.log" in modes
    assert all(
        m == (0o700 if (doccano_server.cfg.data_dir / p).is_dir() else 0o600)
        for p, m in modes.items()
    ), modes


def test_pull_with_an_account_that_cannot_read_the_store(
    doccano_server, api, project_name, monkeypatch, tmp_path
) -> None:
    push(api, [plain_record()], project_name, tmp_path)
    annotator(doccano_server.url, project_name, "no-store")
    monkeypatch.setenv(server.ADMIN_USER_ENV, "no-store")
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, ANNOTATOR_PASSWORD)
    gold = tmp_path / "gold.jsonl"
    result = runner.invoke(
        app, ["pull", "--all", "-o", str(gold), "--project", project_name, *_where(doccano_server)]
    )
    assert result.exit_code == 1 and "E315" in result.output and "no-store" in result.output
    assert "push did not finish" not in result.output
    assert not gold.exists()


def test_unreachable_server_on_pull_says_what_a_pull_does(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(server.ADMIN_USER_ENV, "u")
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, "p")
    result = runner.invoke(
        app,
        [
            "pull",
            "-o",
            str(tmp_path / "x.jsonl"),
            "--project",
            "x",
            "--retries",
            "1",
            "--url",
            f"http://127.0.0.1:{server.free_port()}",
        ],
    )
    assert result.exit_code == 1 and "E305" in result.output
    assert "rerun the pull" in result.output and "push resumes" not in result.output


def test_port_in_use_is_reported(doccano_server, tmp_path) -> None:
    result = runner.invoke(
        app,
        [
            "serve",
            "--no-install",
            "--port",
            str(doccano_server.cfg.port),
            "--data-dir",
            str(tmp_path / "other"),
        ],
    )
    assert result.exit_code == 1 and "E304" in result.output


def test_missing_venv_with_no_install_is_an_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(server.ADMIN_USER_ENV, "u")
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, "p")
    monkeypatch.setenv("CLAIMTRACE_DOCCANO_VENV", str(tmp_path / "no-venv"))
    result = runner.invoke(
        app,
        [
            "serve",
            "--no-install",
            "--port",
            str(server.free_port()),
            "--data-dir",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == 1 and "E314" in result.output
