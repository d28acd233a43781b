"""A real doccano server for the doccano tests: one per session, free loopback port, temp data.

Under ``CI=true`` a server that cannot start (or a missing server venv) fails the run; locally
the doccano tests are skipped with the reason instead.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.doccano import server
from pipeline.doccano.client import DoccanoAPI
from pipeline.errors import ClaimtraceError
from pipeline.paths import REPO_ROOT

ADMIN_USER = "ct-admin"
ADMIN_PASSWORD = "ct-Admin-pw-7f3e1c"  # test-only account of the throwaway test server
_names = itertools.count(1)


@dataclass(frozen=True)
class Server:
    cfg: server.ServerConfig
    url: str

    def api(self, retries: int = 3) -> DoccanoAPI:
        return DoccanoAPI(self.url, retries=retries, backoff=0.05).login(ADMIN_USER, ADMIN_PASSWORD)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"doccano test server unavailable under CI: {reason}", pytrace=False)
    pytest.skip(f"doccano test server unavailable: {reason}")


@pytest.fixture(scope="session")
def doccano_server(tmp_path_factory: pytest.TempPathFactory):
    """Start doccano (web + worker) once per session; stop it at the end."""
    saved = {k: os.environ.get(k) for k in (server.ADMIN_USER_ENV, server.ADMIN_PASSWORD_ENV)}
    os.environ[server.ADMIN_USER_ENV] = ADMIN_USER
    os.environ[server.ADMIN_PASSWORD_ENV] = ADMIN_PASSWORD
    venv = Path(os.environ.get("CLAIMTRACE_DOCCANO_VENV", REPO_ROOT / ".venv-doccano"))
    cfg = server.ServerConfig(
        data_dir=tmp_path_factory.mktemp("doccano-data").resolve(),
        venv_dir=venv.resolve(),
        port=server.free_port(),
    )
    if not server.venv_ready(cfg):
        _unavailable(f"no server venv at {venv} (run `make doccano-install`)")
    try:
        url = server.start(cfg, timeout=240)
    except ClaimtraceError as exc:
        server.stop(cfg)
        _unavailable(str(exc))
    yield Server(cfg, url)
    server.stop(cfg)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture()
def api(doccano_server: Server) -> DoccanoAPI:
    return doccano_server.api()


@pytest.fixture()
def project_name(request: pytest.FixtureRequest) -> str:
    """A project name unique to the test."""
    return f"t{next(_names)}-{request.node.name[:60]}"
