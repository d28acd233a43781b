"""`claimtrace evaluate` output: tables that fit an 80-column terminal, and `--json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from test_evaluate_cli import ARTICLES_GOLD, perfect_records, write_jsonl

from pipeline.evaluate.metrics import SUBSETS, THRESHOLDS, threshold_key
from pipeline.evaluate.report import print_results


def big_result() -> dict:
    """A result with the widest numbers a large gold set gives (six-digit counts)."""
    prf = {"precision": 0.928, "recall": 0.881, "f1": 0.904, "tp": 1}
    ratio = {"accuracy": 0.913, "correct": 987654, "total": 999999}
    subset = {"n_gold": 999999, "n_pred": 888888, **{threshold_key(t): prf for t in THRESHOLDS},
              "cue_accuracy": ratio, "speaker_accuracy": ratio,
              "name_accuracy": {"accuracy": None, "correct": 0, "total": 0}}
    return {"documents": 99999, "prediction_errors": 12,
            "subsets": {name: subset for name in SUBSETS},
            "negatives": {"total": 0, "output_as_quote": 0, "items": []}, "per_document": []}


def test_tables_fit_80_columns_without_wrapping_a_row():
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    print_results({"a-gold-set-with-a-rather-long-name": big_result()}, console)
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = [line for line in lines if line.strip().split(" ")[0] in SUBSETS]
    assert len(rows) == 3 * len(SUBSETS)  # three tables, one line per subset each
    assert all(row.count("0.913 (987654/999999)") == 2 for row in rows[-len(SUBSETS):])


def test_cli_output_in_an_80_column_terminal(tmp_path: Path):
    """The real command, in a subprocess whose terminal width is COLUMNS=80."""
    pred = write_jsonl(tmp_path / "pred.jsonl", perfect_records())
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "evaluate", "--gold",
                           str(ARTICLES_GOLD), "--pred", str(pred)],
                          capture_output=True, text=True, env=env, check=True)
    lines = done.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, done.stdout
    assert "F1 by overlap" in done.stdout and "Accuracy on ≥0.3 matches" in done.stdout
    f1_rows = [line.split() for line in lines if line.strip().startswith("all ")]
    assert f1_rows[0][1:] == ["32", "32", "1.000", "1.000", "1.000"]


def test_json_flag_prints_only_json(tmp_path: Path):
    pred = write_jsonl(tmp_path / "pred.jsonl", perfect_records(drop_indirect=True))
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "evaluate", "--gold",
                           str(ARTICLES_GOLD), "--pred", str(pred), "--json",
                           "--min-indirect-recall", "0.5"],
                          capture_output=True, text=True)
    assert done.returncode == 1  # the threshold still applies
    data = json.loads(done.stdout)
    scores = data["results"]["articles"]["subsets"]
    assert scores["indirect"]["0.3"]["recall"] == 0.0 and scores["direct"]["exact"]["f1"] == 1.0
    assert data["pred"] == str(pred) and "indirect_recall" in done.stderr
