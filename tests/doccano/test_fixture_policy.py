"""The server fixture's policy: fail under CI, skip elsewhere (no server needed)."""

from __future__ import annotations

import pytest

from .conftest import _unavailable


def test_unavailable_server_fails_under_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        _unavailable("port blocked")


def test_unavailable_server_skips_locally(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _unavailable("port blocked")
