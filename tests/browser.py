"""A real headless Chromium (Debian's chromium + chromium-driver) driven by Selenium.

Shared by every test that checks something a person looks at (HTML reports, the doccano UI).
`make browser-install` installs the Debian packages; under CI a missing browser fails the test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CLAIMTRACE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CLAIMTRACE_CHROMEDRIVER", "/usr/bin/chromedriver")


def require_browser() -> None:
    """Skip locally, fail under CI=true, when Chromium or its driver is not installed."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if not missing:
        return
    message = f"{', '.join(missing)} missing: run `make browser-install` (Debian packages)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def headless_chromium(width: int = 1280, height: int = 900) -> Iterator[object]:
    """A Selenium WebDriver on a fresh profile, with the browser console log readable through
    ``driver.get_log("browser")``. No network beyond what the page itself loads."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="claimtrace-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[dict]:
    """Browser console entries at SEVERE level (JavaScript errors, failed loads)."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def screenshot_is_blank(png: bytes) -> bool:
    """True when a PNG screenshot has (almost) one colour only."""
    import zlib

    # Decompress the IDAT stream and count distinct bytes: a blank page has very few.
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(data)
    return len(set(raw)) < 8
