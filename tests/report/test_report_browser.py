"""`claimtrace report` pages in a real headless Chromium: charts, heatmaps, paged tables."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from browser import headless_chromium
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from pipeline.cli import app

from .browser_checks import open_page, overflow, phone
from .records import edge_records, write_jsonl
from .test_report_gold import gold_from

runner = CliRunner()


def report(annotated: Path, out: Path, *extra: str) -> Path:
    result = runner.invoke(app, ["report", str(annotated), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def many(records: list[dict], copies: int) -> list[dict]:
    """``copies`` variants of each record, with their own ids and speaker names."""
    out = []
    for k in range(copies):
        for rec in records:
            rec = copy.deepcopy(rec)
            rec["id"] = f"{rec['id']}-{k}"
            for item in rec.get("quotes", []) + rec.get("claims", []):
                if item.get("speaker") and item["speaker"]["name"] and k % 3:
                    item["speaker"]["name"] += f" {k}"
            out.append(rec)
    return out


def status(driver, table: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"#table-{table} .status").text


def body_rows(driver, table: str) -> list[list[str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, f"#table-{table} tbody tr")
    return [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]


@pytest.mark.slow
def test_real_corpus_report(real_records, real_file, tmp_path):
    page = report(real_file, tmp_path / "report.html")
    speakers = {q["speaker"]["name"] for r in real_records for q in r["quotes"]
                if q["speaker"] and q["speaker"]["name"]}
    with headless_chromium() as driver:
        open_page(driver, page, wait=1.0)
        for chart in ("chart-quote-types", "chart-top-speakers", "stance-heatmap"):
            assert driver.find_elements(By.CSS_SELECTOR, f"#{chart}.js-plotly-plot .main-svg")
        cells = driver.find_elements(By.CSS_SELECTOR, "#stance-heatmap .heatmaplayer .hm image")
        assert cells, "the stance heatmap drew no cells"
        ticks = {t.get_attribute("textContent")
                 for t in driver.find_elements(By.CSS_SELECTOR, "#stance-heatmap .ytick text")}
        assert ticks and ticks <= {s[:27] + "…" if len(s) > 28 else s for s in speakers}
        top = body_rows(driver, "speakers")[0]
        assert top[0] in speakers and int(top[2]) >= 1
        assert len(body_rows(driver, "articles")) == len(real_records)


def test_paged_tables_and_phone_width_on_a_larger_corpus(tmp_path):
    records = many([r for r in edge_records() if "error" not in r], 80)  # 320 articles
    page = report(write_jsonl(tmp_path / "big.jsonl", records), tmp_path / "big.html")
    with headless_chromium() as driver:
        open_page(driver, page, wait=1.0)
        assert status(driver, "articles") == "rows 1–25 of 320 · page 1 of 13"
        assert len(body_rows(driver, "articles")) == 25
        first = body_rows(driver, "articles")[0][0]
        driver.find_element(By.CSS_SELECTOR, "#table-articles button.next").click()
        assert status(driver, "articles").startswith("rows 26–50 of 320")
        assert body_rows(driver, "articles")[0][0] != first
        search = driver.find_element(By.CSS_SELECTOR, "#table-articles input[type=search]")
        search.send_keys("emoji-79")
        assert [row[0] for row in body_rows(driver, "articles")] == ["emoji-79"]
        header = driver.find_elements(By.CSS_SELECTOR, "#table-speakers thead button")[0]
        header.click()  # sort by speaker name, ascending
        names = [row[0] for row in body_rows(driver, "speakers")]
        assert names == sorted(names, key=str.lower) or names == sorted(names)
        # Untrusted names stay text in charts too (plotly reads <b> and <a> as markup).
        assert driver.find_elements(By.CSS_SELECTOR, "svg b, svg a, svg script") == []
        ticks = [t.get_attribute("textContent") for t in
                 driver.find_elements(By.CSS_SELECTOR, "#stance-heatmap .xtick text")]
        assert any(t.startswith("Target <script>") for t in ticks), ticks

    with headless_chromium() as driver:
        phone(driver)
        open_page(driver, page, wait=1.0)
        assert overflow(driver) <= 0
        width = driver.execute_script(
            "return document.getElementById('stance-heatmap').getBoundingClientRect().right")
        assert width <= 390


def test_report_with_gold_shows_the_scores(tmp_path):
    records = edge_records()
    pred = write_jsonl(tmp_path / "pred.jsonl", records)
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_from(records))
    page = report(pred, tmp_path / "gold.html", "--gold", str(gold))
    with headless_chromium() as driver:
        open_page(driver, page, wait=1.0)
        rows = driver.find_elements(By.CSS_SELECTOR, ".gold-table tbody tr")
        assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [
            "quoted", "all", "direct", "mixed", "indirect"]
        assert driver.find_elements(By.CSS_SELECTOR, "#chart-gold-f1 .main-svg")
        assert driver.find_elements(By.CSS_SELECTOR, "#chart-stance-confusion .hm image")
        assert "accuracy 0.800" in driver.find_element(By.ID, "h-gold").find_element(
            By.XPATH, "..").text
