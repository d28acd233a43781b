"""What every report page must pass in Chromium: offline, no console errors, not blank."""

from __future__ import annotations

import time
from pathlib import Path

from browser import console_errors, screenshot_is_blank

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


def offline(driver) -> None:
    """Cut the browser off the network: a page that needs a CDN or a web font fails."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})


def phone(driver) -> None:
    """A 390 px wide touch phone viewport (Chromium windows cannot be that narrow)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})


def open_page(driver, path: Path, wait: float = 0.3) -> None:
    """Load ``path`` offline and check it rendered cleanly."""
    offline(driver)
    driver.get(path.resolve().as_uri())
    driver.execute_script("return document.readyState")
    time.sleep(wait)
    errors = console_errors(driver)
    assert errors == [], errors
    assert driver.execute_script(
        "return performance.getEntriesByType('resource').length") == 0, "page loaded resources"
    assert not screenshot_is_blank(driver.get_screenshot_as_png())


def overflow(driver) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
