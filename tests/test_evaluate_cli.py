"""`claimtrace evaluate` end to end on the own gold, with prediction files made in the test."""

import json
from pathlib import Path

import pytest
from test_evaluate_gold import require_shared
from typer.testing import CliRunner

from pipeline.evaluate import cli
from pipeline.evaluate.gold import read_gold_jsonl
from pipeline.evaluate.items import PredDoc, PredQuote
from pipeline.paths import REPO_ROOT

ARTICLES_GOLD = REPO_ROOT / "corpus" / "gold" / "articles.jsonl"
runner = CliRunner()


def perfect_records(drop_indirect: bool = False) -> list[dict]:
    """claimtrace-like records that repeat the gold (optionally without indirect quotes)."""
    records = []
    for doc in read_gold_jsonl(ARTICLES_GOLD):
        quotes = []
        for quote in doc.quotes:
            if drop_indirect and quote.type == "indirect":
                continue
            mention = quote.source[0] if quote.source else None
            quotes.append({
                "id": f"Q{len(quotes) + 1}", "type": quote.type, "start": quote.start,
                "end": quote.end, "text": doc.text[quote.start:quote.end],
                "cue": {"start": quote.cue[0][0], "end": quote.cue[0][1], "text": ""}
                if quote.cue else None,
                "speaker": {"mention": {"start": mention[0], "end": mention[1], "text": ""}
                            if mention else None,
                            "actor_id": None, "name": quote.name, "resolution": "cue_subject"},
            })
        records.append({"schema_version": "1.0.0", "id": doc.id, "text": doc.text,
                        "quotes": quotes})
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_perfect_predictions_pass_every_threshold(tmp_path: Path):
    pred = write_jsonl(tmp_path / "pred.jsonl", perfect_records())
    out = tmp_path / "scores.json"
    result = runner.invoke(cli.app, [
        "--gold", str(ARTICLES_GOLD), "--format", "jsonl", "--pred", str(pred),
        "--json-out", str(out), "--min-quoted-f1", "1", "--min-quoted-recall-08", "1",
        "--min-speaker-acc", "1", "--min-name-acc", "1", "--min-all-f1", "1",
        "--min-indirect-recall", "1", "--max-negatives", "0"])
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text(encoding="utf-8"))["results"]["articles"]
    assert scores["subsets"]["all"]["exact"]["f1"] == 1.0
    assert scores["negatives"]["output_as_quote"] == 0


def test_scores_below_threshold_exit_1(tmp_path: Path):
    pred = write_jsonl(tmp_path / "pred.jsonl", perfect_records(drop_indirect=True))
    result = runner.invoke(cli.app, [
        "--gold", str(ARTICLES_GOLD), "--pred", str(pred), "--min-quoted-f1", "1",
        "--min-indirect-recall", "0.8"])
    assert result.exit_code == 1
    assert "indirect_recall = 0.000" in result.output
    assert "quoted_f1" not in result.output  # direct and mixed quotes are all still there


def test_prediction_with_other_text_is_E408(tmp_path: Path):
    records = perfect_records()
    records[0]["text"] += " extra"
    pred = write_jsonl(tmp_path / "pred.jsonl", records)
    result = runner.invoke(cli.app, ["--gold", str(ARTICLES_GOLD), "--pred", str(pred)])
    assert result.exit_code == 1 and "E408" in result.output


def test_missing_gold_is_E401(tmp_path: Path):
    result = runner.invoke(cli.app, ["--gold", str(tmp_path / "none"), "--format", "brat"])
    assert result.exit_code == 1 and "E401" in result.output


def test_without_pred_runs_the_pipeline_on_gold_texts(tmp_path: Path, monkeypatch):
    seen = {}

    def fake_annotate(docs, config, progress=True, overrides=None, records_out=None):
        seen["config"], seen["ids"] = config, [d.id for d in docs]
        return {d.id: PredDoc(d.id, [PredQuote([(q.start, q.end)], q.type) for q in d.quotes])
                for d in docs}

    monkeypatch.setattr(cli, "annotate_gold_texts", fake_annotate)
    result = runner.invoke(cli.app, ["--gold", str(ARTICLES_GOLD), "--limit", "2",
                                     "--no-progress", "--min-all-f1", "1"])
    assert result.exit_code == 0, result.output
    assert seen["config"] == "configs/default.cfg" and len(seen["ids"]) == 2


def test_every_scores_every_nth_article_in_name_order(monkeypatch):
    seen = {}

    def fake_annotate(docs, config, progress=True, overrides=None, records_out=None):
        seen["ids"] = [d.id for d in docs]
        return {d.id: PredDoc(d.id, []) for d in docs}

    monkeypatch.setattr(cli, "annotate_gold_texts", fake_annotate)
    result = runner.invoke(cli.app, ["--gold", str(ARTICLES_GOLD), "--every", "2",
                                     "--no-progress"])
    assert result.exit_code == 0, result.output
    ids = [d.id for d in read_gold_jsonl(ARTICLES_GOLD)]
    assert len(ids) >= 3 and seen["ids"] == ids[::2]


def test_missing_pred_file_is_E407(tmp_path: Path):
    result = runner.invoke(cli.app, ["--gold", str(ARTICLES_GOLD), "--pred",
                                     str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and "E407" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("config", ["configs/default.cfg", "configs/accurate.cfg"])
def test_pipeline_reaches_the_seed_targets(tmp_path: Path, config: str):
    """Regression guard: the issue's numbers for the example article, with the real pipeline
    (the default profile and the accurate one)."""
    seed_gold = REPO_ROOT / "corpus" / "gold" / "seed.jsonl"
    require_shared(REPO_ROOT.parent / "shared" / "seed" / "article.txt")
    result = runner.invoke(cli.app, [
        "--gold", str(seed_gold), "--no-progress", "--config", config,
        "--min-quoted-recall-08", "1",
        "--min-name-acc", "1", "--min-indirect-recall", "1", "--max-negatives", "0"])
    assert result.exit_code == 0, result.output
