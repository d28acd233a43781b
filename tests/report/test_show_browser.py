"""`claimtrace show` pages in a real headless Chromium: real pipeline output and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import headless_chromium
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from typer.testing import CliRunner

from pipeline.cli import app

from .browser_checks import open_page, overflow, phone
from .records import edge_records, write_jsonl

runner = CliRunner()


def show(annotated: Path, out: Path, *docs: str) -> Path:
    args = ["show", str(annotated), "-o", str(out)]
    for doc in docs:
        args += ["--doc", doc]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def richest(records: list[dict]) -> dict:
    """The real article with the most scored (not gated) stance pairs."""
    def scored(rec: dict) -> int:
        return sum(1 for c in rec["claims"] for s in c["stance"] or [] if not s.get("gated"))
    return max(records, key=scored)


def first_named_quote(record: dict) -> dict:
    return next(q for q in record["quotes"] if q["speaker"] and q["speaker"]["name"])


def tip(driver, timeout: float = 5.0) -> tuple[bool, str]:
    """Whether the tooltip is shown (waiting up to ``timeout`` s: a loaded machine may take a
    moment to run the hover handler) and its text."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    element = driver.find_element(By.ID, "tip")
    try:
        WebDriverWait(driver, timeout).until(lambda _: element.is_displayed())
    except TimeoutException:
        return False, element.text
    return True, element.text


def tip_hidden(driver, timeout: float = 5.0) -> bool:
    """True once the tooltip is hidden (waiting up to ``timeout`` s)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    element = driver.find_element(By.ID, "tip")
    try:
        WebDriverWait(driver, timeout).until(lambda _: not element.is_displayed())
    except TimeoutException:
        return False
    return True


@pytest.mark.slow
def test_real_article_quotes_speakers_badges_and_hover(real_records, tmp_path):
    record = richest(real_records)
    quote = first_named_quote(record)
    page = show(write_jsonl(tmp_path / "a.jsonl", real_records), tmp_path / "a.html",
                record["id"])
    with headless_chromium() as driver:
        open_page(driver, page)
        element = driver.find_element(By.ID, f"d0-{quote['id']}")
        assert element.get_attribute("data-speaker") == quote["speaker"]["name"]
        pieces = driver.find_elements(By.CSS_SELECTOR, f'[data-quote="d0-{quote["id"]}"]')
        assert "".join(p.text for p in pieces).replace("\n", "").startswith(
            quote["text"][:20].replace("\n", ""))
        badges = driver.find_elements(By.CSS_SELECTOR, ".text .badge[data-stance]")
        assert badges and all(b.is_displayed() for b in badges)
        assert driver.find_elements(By.CSS_SELECTOR, ".text .speaker")
        assert driver.find_elements(By.CSS_SELECTOR, ".text .cue")
        assert driver.find_elements(By.CSS_SELECTOR, ".text .actor")

        assert tip_hidden(driver) and driver.find_element(By.ID, "tip").text == ""
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        ActionChains(driver).move_to_element(element).perform()
        shown, text = tip(driver)
        assert shown and quote["speaker"]["name"] in text
        assert quote["speaker"]["resolution"] in text
        claim = next(c for c in record["claims"] if c["quote_id"] == quote["id"])
        entry = claim["stance"][0]
        assert entry["target"] in text
        if not entry.get("gated"):
            assert f"{entry['label']} {entry['score']:.2f}" in text


@pytest.mark.slow
def test_keyboard_focus_and_phone_tap_show_the_tooltip(real_records, tmp_path):
    record = richest(real_records)
    first = record["quotes"][0]
    page = show(write_jsonl(tmp_path / "a.jsonl", real_records), tmp_path / "a.html",
                record["id"])
    with headless_chromium() as driver:
        open_page(driver, page)
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        assert active.get_attribute("data-quote") == f"d0-{first['id']}"
        shown, text = tip(driver)
        assert shown and ((first["speaker"] or {}).get("name") or "no speaker") in text
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        assert tip_hidden(driver)

    with headless_chromium() as driver:
        phone(driver)
        open_page(driver, page)
        assert driver.execute_script("return window.innerWidth") == 390
        assert overflow(driver) <= 0
        quote = first_named_quote(record)
        element = driver.find_element(By.ID, f"d0-{quote['id']}")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        shown, text = tip(driver)
        assert shown and quote["speaker"]["name"] in text
        box = driver.execute_script(
            "var r = document.getElementById('tip').getBoundingClientRect();"
            "return [r.left, r.right, document.getElementById('tip').className];")
        assert box[0] >= 0 and box[1] <= 390 and "sheet" in box[2]
        driver.find_element(By.TAG_NAME, "h1").click()
        assert tip_hidden(driver)


def test_edge_cases_render_safely(tmp_path):
    records = edge_records()
    page = show(write_jsonl(tmp_path / "edge.jsonl", records), tmp_path / "edge.html")
    with headless_chromium() as driver:
        open_page(driver, page)
        # Escaped: no element came from the article text; the text reads literally.
        assert driver.execute_script("return document.scripts.length") == 1
        assert driver.find_elements(By.CSS_SELECTOR, "img, .text b, .text script") == []
        hostile = driver.find_element(By.CSS_SELECTOR, '[data-doc="hostile"] .text')
        assert "<script>alert('x')</script> & <b>bold</b>" in hostile.text
        assert "<img src=x onerror=alert(1)>" in hostile.text
        # Code-point offsets hold around emoji and astral characters.
        emoji = next(r for r in records if r["id"] == "emoji")
        for quote in emoji["quotes"]:
            pieces = driver.find_elements(By.CSS_SELECTOR, f'[data-quote="d1-{quote["id"]}"]')
            assert "".join(p.get_attribute("textContent") for p in pieces) == quote["text"]
        # No claims, no stance: the page says so instead of breaking.
        empty = driver.find_element(By.CSS_SELECTOR, '[data-doc="no-claims"]')
        assert "No claims in this article." in empty.get_attribute("textContent")
        assert "No stance targets" in driver.find_element(
            By.CSS_SELECTOR, '[data-doc="emoji"]').text
        # Gated pairs get no badge in the text; scored ones do.
        bridge = driver.find_element(By.CSS_SELECTOR, '[data-doc="bridge"] .text')
        labels = [b.text for b in bridge.find_elements(By.CSS_SELECTOR, ".badge")]
        assert labels == ["T1 favor 0.91", "T1 against 0.66", "T1 against 0.55"]
        # A quote without stance still gets its tooltip.
        element = driver.find_element(By.ID, "d1-Q1")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        ActionChains(driver).move_to_element(element).perform()
        shown, text = tip(driver)
        assert shown and "Kim Su" in text and "no stance scored" in text, (shown, text)
