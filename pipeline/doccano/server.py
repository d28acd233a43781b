"""Install, start, stop and inspect a local doccano 1.8.4 server (web + celery worker).

doccano runs in its own venv (``.venv-doccano``: it needs pydantic 2 and numpy<2, the pipeline
needs pydantic 1). The web server is gunicorn bound to 127.0.0.1 (``doccano webserver`` always
binds 0.0.0.0); the celery worker is needed for bulk import. Data, logs, PID files and the
generated secret key live in one project-local folder (default ``.doccano/``); every file in
it is 0600 (files.py), whatever folder is given.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pipeline.doccano.files import UMASK, private_dir, private_file, tighten, write_private
from pipeline.errors import ClaimtraceError, Errors
from pipeline.paths import REPO_ROOT

DOCCANO_REQUIREMENTS = ("doccano==1.8.4", "marshmallow<4", "numpy<2")
SETTINGS_DIR = Path(__file__).resolve().parent / "server_settings"
DEFAULT_PORT = 8000
ADMIN_USER_ENV = "DOCCANO_ADMIN_USER"
ADMIN_PASSWORD_ENV = "DOCCANO_ADMIN_PASSWORD"

# Runs inside the server venv; credentials come from the environment, never from argv.
_SETUP_SCRIPT = """
import os, django
django.setup()
from django.core import management
management.call_command("migrate", verbosity=0)
management.call_command("create_roles")
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username=os.environ["DOCCANO_ADMIN_USER"])
user.is_staff = user.is_superuser = True
user.set_password(os.environ["DOCCANO_ADMIN_PASSWORD"])
user.save()
print("admin account ready")
"""


@dataclass(frozen=True)
class ServerConfig:
    """Where the server lives and how it is reached."""

    data_dir: Path
    venv_dir: Path
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def web_pid_file(self) -> Path:
        return self.data_dir / "web.pid"

    @property
    def task_pid_file(self) -> Path:
        return self.data_dir / "task.pid"

    @property
    def server_file(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def web_log(self) -> Path:
        return self.data_dir / "web.log"

    @property
    def task_log(self) -> Path:
        return self.data_dir / "task.log"

    @property
    def secret_file(self) -> Path:
        return self.data_dir / "secret_key"

    @property
    def setup_log(self) -> Path:
        return self.data_dir / "setup.log"

    @property
    def database(self) -> Path:
        return self.data_dir / "db.sqlite3"


def default_config(
    port: int | None = None, data_dir: Path | None = None, venv_dir: Path | None = None
) -> ServerConfig:
    """The config from options, else environment, else defaults (``.doccano/``, port 8000)."""
    env_port = os.environ.get("CLAIMTRACE_DOCCANO_PORT")
    data = data_dir or Path(os.environ.get("CLAIMTRACE_DOCCANO_HOME", REPO_ROOT / ".doccano"))
    venv = venv_dir or Path(os.environ.get("CLAIMTRACE_DOCCANO_VENV", REPO_ROOT / ".venv-doccano"))
    chosen = port if port is not None else int(env_port) if env_port else None
    if chosen is None:
        chosen = recorded_port(data.resolve()) or DEFAULT_PORT
    return ServerConfig(data_dir=data.resolve(), venv_dir=venv.resolve(), port=chosen)


def recorded_port(data_dir: Path) -> int | None:
    """The port of the server last started with this data folder, if any."""
    try:
        return int(json.loads((data_dir / "server.json").read_text())["port"])
    except (OSError, ValueError, KeyError):
        return None


def admin_credentials() -> tuple[str, str]:
    """The admin account from the environment (E301 when missing); never printed or logged."""
    user = os.environ.get(ADMIN_USER_ENV)
    password = os.environ.get(ADMIN_PASSWORD_ENV)
    for name, value in ((ADMIN_USER_ENV, user), (ADMIN_PASSWORD_ENV, password)):
        if not value:
            raise ClaimtraceError(Errors.E301, name=name)
    return user, password  # type: ignore[return-value]


# ---------------------------------------------------------------- install


def venv_ready(cfg: ServerConfig) -> bool:
    """True when the server venv has doccano's entry points."""
    return (cfg.venv_dir / "bin" / "doccano").exists() and (
        cfg.venv_dir / "bin" / "gunicorn"
    ).exists()


def install_venv(cfg: ServerConfig, log: Path) -> None:
    """Create the server venv and install doccano 1.8.4 with the two pins it needs (~2 min)."""
    private_file(log)
    python = cfg.venv_dir / "bin" / "python"
    steps = []
    if not python.exists():
        steps.append([sys.executable, "-m", "venv", str(cfg.venv_dir)])
    steps.append([str(python), "-m", "pip", "install", "-q", *DOCCANO_REQUIREMENTS])
    with log.open("a", encoding="utf-8") as out:
        for cmd in steps:
            result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
            if result.returncode != 0:
                raise ClaimtraceError(
                    Errors.E302,
                    path=str(cfg.venv_dir),
                    detail=f"exit {result.returncode}",
                    log=str(log),
                )
    (cfg.venv_dir / ".installed").touch()


# ---------------------------------------------------------------- environment


def secret_key(cfg: ServerConfig) -> str:
    """The server's SECRET_KEY: generated once, stored 0600 in the data folder."""
    private_dir(cfg.data_dir)
    if not cfg.secret_file.exists():
        write_private(cfg.secret_file, secrets.token_urlsafe(50))
    os.chmod(cfg.secret_file, 0o600)
    return cfg.secret_file.read_text().strip()


def prepare_data_dir(cfg: ServerConfig) -> None:
    """Create the data folder (0700 when claimtrace creates it) and make the database, logs
    and every other file in it 0600 before any server process opens them (SQLite and Django
    would create them 0644 under the usual umask; the processes also run with umask 077)."""
    private_dir(cfg.data_dir)
    private_dir(cfg.data_dir / "media")
    for path in (cfg.database, cfg.web_log, cfg.task_log, cfg.setup_log):
        private_file(path)
    tighten(cfg.data_dir)


def backend_dir(cfg: ServerConfig) -> Path:
    """The installed ``backend`` package (gunicorn's --chdir)."""
    matches = sorted((cfg.venv_dir / "lib").glob("python3*/site-packages/backend"))
    if not matches:
        raise ClaimtraceError(Errors.E314, path=str(cfg.venv_dir))
    return matches[0]


def server_env(cfg: ServerConfig) -> dict[str, str]:
    """Environment for the server processes (Django settings read these)."""
    env = {k: v for k, v in os.environ.items() if k not in (ADMIN_USER_ENV, ADMIN_PASSWORD_ENV)}
    env.update(
        {
            "DOCCANO_HOME": str(cfg.data_dir),
            "DATABASE_URL": f"sqlite:///{cfg.database}",
            "MEDIA_ROOT": str(cfg.data_dir / "media"),
            "SECRET_KEY": secret_key(cfg),
            # doccano's production settings with private uploads (server_settings/)
            "DJANGO_SETTINGS_MODULE": "claimtrace_doccano_settings",
            "PYTHONPATH": str(SETTINGS_DIR),
            "STANDALONE": "True",
            "DEBUG": "False",
            "PATH": f"{cfg.venv_dir / 'bin'}:{os.environ.get('PATH', '')}",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    return env


# ---------------------------------------------------------------- processes


def pid_alive(pid: int | None) -> bool:
    """True when a process with this PID exists (and is not a zombie)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def read_pid(path: Path) -> int | None:
    """The PID in a PID file, or None."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def port_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    """A currently free loopback port (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_running(cfg: ServerConfig) -> bool:
    """True when the web server recorded in this data folder is alive."""
    return pid_alive(read_pid(cfg.web_pid_file))


def web_answers(url: str, timeout: float = 2.0) -> bool:
    """True when doccano's API answers (403 to an anonymous project list means ready)."""
    try:
        return requests.get(f"{url}/v1/projects", timeout=timeout).status_code == 403
    except requests.RequestException:
        return False


def worker_answers(url: str) -> bool:
    """True when the health check (which includes the celery worker) passes."""
    try:
        return requests.get(f"{url}/v1/health/?format=json", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def _spawn(cmd: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> int:
    """Start a detached process (own session, survives the CLI) logging to ``log``."""
    private_file(log)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            umask=UMASK,
        )
    return proc.pid


def setup_database(cfg: ServerConfig, env: dict[str, str]) -> None:
    """Migrate, create roles and (re)set the admin account from the environment."""
    user, password = admin_credentials()
    setup_env = dict(env, **{ADMIN_USER_ENV: user, ADMIN_PASSWORD_ENV: password})
    log = private_file(cfg.setup_log)
    with log.open("ab") as out:
        result = subprocess.run(
            [str(cfg.venv_dir / "bin" / "python"), "-c", _SETUP_SCRIPT],
            env=setup_env,
            cwd=backend_dir(cfg),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
            umask=UMASK,
        )
    if result.returncode != 0:
        raise ClaimtraceError(Errors.E303, seconds=0, detail="database setup failed", logs=str(log))


def _wait(check, deadline: float, cfg: ServerConfig, what: str, timeout: float) -> None:  # noqa: ANN001
    """Poll ``check`` until true; fail fast when a server process died."""
    while not check():
        if not is_running(cfg) or not pid_alive(read_pid(cfg.task_pid_file)):
            raise ClaimtraceError(
                Errors.E303,
                seconds=0,
                detail=f"a server process exited ({what})",
                logs=str(cfg.data_dir),
            )
        if time.monotonic() > deadline:
            raise ClaimtraceError(
                Errors.E303, seconds=int(timeout), detail=what, logs=str(cfg.data_dir)
            )
        time.sleep(0.5)


def start(cfg: ServerConfig, timeout: float = 180.0, workers: int = 2) -> str:
    """Start web server and worker unless running; wait until both answer. Returns the URL."""
    admin_credentials()
    if is_running(cfg):
        if web_answers(cfg.url):
            return cfg.url
        raise ClaimtraceError(
            Errors.E303,
            seconds=0,
            logs=str(cfg.data_dir),
            detail=f"a server from this data folder runs (PID "
            f"{read_pid(cfg.web_pid_file)}) but does not answer on port "
            f"{cfg.port}; stop it first",
        )
    if not port_free(cfg.port):
        raise ClaimtraceError(Errors.E304, port=cfg.port)
    if not venv_ready(cfg):
        raise ClaimtraceError(Errors.E314, path=str(cfg.venv_dir))
    prepare_data_dir(cfg)
    env = server_env(cfg)
    setup_database(cfg, env)
    bin_dir = cfg.venv_dir / "bin"
    web_pid = _spawn(
        [
            str(bin_dir / "gunicorn"),
            "--chdir",
            str(backend_dir(cfg)),
            "--bind",
            f"127.0.0.1:{cfg.port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--capture-output",
            "--log-level",
            "warning",
            "config.wsgi",
        ],
        env,
        cfg.web_log,
    )
    write_private(cfg.web_pid_file, str(web_pid))
    task_pid = _spawn([str(bin_dir / "doccano"), "task", "--concurrency", "1"], env, cfg.task_log)
    write_private(cfg.task_pid_file, str(task_pid))
    write_private(cfg.server_file, json.dumps({"port": cfg.port, "url": cfg.url}))
    deadline = time.monotonic() + timeout
    _wait(lambda: web_answers(cfg.url), deadline, cfg, "web server", timeout)
    _wait(lambda: worker_answers(cfg.url), deadline, cfg, "celery worker", timeout)
    return cfg.url


def _wait_gone(pid: int | None, timeout: float) -> None:
    """Wait for a TERMed process to exit; SIGKILL its process group after ``timeout``."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # type: ignore[arg-type]


def stop(cfg: ServerConfig, timeout: float = 30.0) -> bool:
    """Stop web server and worker by their PIDs. Returns True when something was running."""
    pids = [read_pid(cfg.web_pid_file), read_pid(cfg.task_pid_file)]
    was_running = any(pid_alive(pid) for pid in pids)
    for pid in pids:
        if pid_alive(pid):
            os.kill(pid, signal.SIGTERM)  # type: ignore[arg-type]
    for pid in pids:
        _wait_gone(pid, timeout)
    for path in (cfg.web_pid_file, cfg.task_pid_file):
        path.unlink(missing_ok=True)
    return was_running


def status(cfg: ServerConfig) -> dict[str, object]:
    """PIDs, liveness and whether the API and worker answer."""
    web_pid, task_pid = read_pid(cfg.web_pid_file), read_pid(cfg.task_pid_file)
    web_alive = pid_alive(web_pid)
    return {
        "url": cfg.url,
        "data_dir": str(cfg.data_dir),
        "web_pid": web_pid if web_alive else None,
        "worker_pid": task_pid if pid_alive(task_pid) else None,
        "answers": web_alive and web_answers(cfg.url),
        "venv_installed": venv_ready(cfg),
    }
