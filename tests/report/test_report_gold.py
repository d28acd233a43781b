"""`claimtrace report --gold`: the same scores as `claimtrace evaluate`, plus stance agreement."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.paths import REPO_ROOT
from pipeline.report.gold import GoldComparison, macro_f1
from pipeline.report.overview import build_report

from .records import edge_records, write_jsonl

runner = CliRunner()
ARTICLES_GOLD = REPO_ROOT / "corpus" / "gold" / "articles.jsonl"


def gold_from(records: list[dict]) -> list[dict]:
    """Gold as a doccano pull writes it: the records themselves, with reviewed stance; one
    label changed by the annotator, one left unreviewed (not gold)."""
    gold = []
    for rec in copy.deepcopy(records):
        if "error" in rec:
            continue
        for claim in rec["claims"]:
            for entry in claim.get("stance") or []:
                entry["review"] = "kept"
        gold.append(rec)
    bridge = gold[0]
    bridge["claims"][1]["stance"][0].update(label="favor", review="changed")  # pred: against
    bridge["claims"][2]["stance"][0]["review"] = "machine"  # unreviewed: ignored
    bridge["quotes"].pop(1)  # the annotator deleted an indirect quote: one spurious prediction
    return gold


def test_report_scores_equal_evaluate_scores_and_stance_agreement(tmp_path: Path):
    pred = write_jsonl(tmp_path / "pred.jsonl", edge_records())
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_from(edge_records()))
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    expected = json.loads(result.stdout)["results"]["gold"]

    comparison = GoldComparison.load(gold)
    report = build_report(pred, comparison)
    assert comparison.quote_results()["gold"] == expected
    assert expected["subsets"]["all"]["n_pred"] == expected["subsets"]["all"]["n_gold"] + 1

    stance = comparison.stance_results()
    # bridge C1 favor (right), C1 gated neutral (right), C2 favor vs pred against (wrong),
    # C2 gated (right), C3 machine (skipped); hostile C1 favor (right).
    assert stance["n"] == 5 and stance["unmatched"] == 0
    assert stance["matrix"]["favor"]["against"] == 1
    assert abs(stance["accuracy"] - 0.8) < 1e-9
    assert 'id="chart-stance-confusion"' in report.html and "Scores against gold" in report.html


def test_gold_articles_missing_from_the_file_are_reported(tmp_path: Path):
    records = edge_records()
    pred = write_jsonl(tmp_path / "pred.jsonl", records[1:])
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_from(records))
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(pred), "--gold", str(gold), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "E614" in result.output and "'bridge'" in result.output


def test_project_gold_without_stance(tmp_path: Path):
    out = tmp_path / "r.html"
    pred = write_jsonl(tmp_path / "pred.jsonl", edge_records())
    comparison = GoldComparison.load(ARTICLES_GOLD)
    assert comparison.fmt == "jsonl" and comparison.stance_results() is None
    result = runner.invoke(app, ["report", str(pred), "--gold", str(ARTICLES_GOLD),
                                 "-o", str(out)])
    assert result.exit_code == 0 and "E614" in result.output


def test_prediction_with_another_text_is_refused(tmp_path: Path):
    records = edge_records()
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_from(records))
    records[0]["text"] += " changed"
    pred = write_jsonl(tmp_path / "pred.jsonl", records)
    result = runner.invoke(app, ["report", str(pred), "--gold", str(gold),
                                 "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "E408" in result.output


def test_macro_f1_over_present_labels():
    from collections import Counter

    matrix = {"favor": Counter(favor=2, against=1), "against": Counter(against=1),
              "neutral": Counter()}
    # favor: tp 2, pred 2, gold 3 -> 0.8; against: tp 1, pred 2, gold 1 -> 0.667
    assert abs(macro_f1(matrix) - (0.8 + 2 / 3) / 2) < 1e-9
