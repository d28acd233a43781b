"""`claimtrace evaluate`: score pipeline output against gold (brat standoff or own JSONL).

The lead mounts it with ``app.command("evaluate")(evaluate)``.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.brat import read_brat_folder
from pipeline.evaluate.gold import gold_jsonl_files, read_gold_jsonl
from pipeline.evaluate.items import GoldDoc, PredDoc
from pipeline.evaluate.metrics import evaluate_docs
from pipeline.evaluate.predictions import (
    annotate_gold_texts,
    merge_continuations,
    read_predictions,
)
from pipeline.evaluate.report import (
    failed_thresholds,
    print_results,
    results_json,
    write_json,
    write_records,
)


class GoldFormat(StrEnum):
    """Gold formats ``--format`` accepts."""

    brat = "brat"
    jsonl = "jsonl"


def load_gold_sets(gold: Path, fmt: str, limit: int | None = None,
                   stretch: bool = False, every: int | None = None) -> dict[str, list[GoldDoc]]:
    """Gold articles grouped in named sets: one per JSONL file, or one brat folder.
    ``every`` keeps every N-th article of a set (the 1st, N+1st, ...), then ``limit``."""
    if not gold.exists():
        raise ClaimtraceError(Errors.E401, path=str(gold))
    step = every or 1
    if fmt == GoldFormat.brat.value:
        docs = read_brat_folder(gold, stretch=stretch)[::step]
        return {gold.name or str(gold): docs[: limit if limit else None]}
    if fmt == GoldFormat.jsonl.value:
        sets = {}
        for path in gold_jsonl_files(gold):
            sets[path.stem] = read_gold_jsonl(path)[::step][: limit if limit else None]
        return sets
    raise ClaimtraceError(Errors.E409, fmt=fmt)


def predict_sets(gold_sets: dict[str, list[GoldDoc]], pred: Path | None, config: str,
                 progress: bool, overrides: dict | None = None,
                 records_out: list[dict] | None = None) -> dict[str, dict[str, PredDoc]]:
    """Predictions per gold set: read from ``pred`` or made by running the pipeline once."""
    all_docs = [doc for docs in gold_sets.values() for doc in docs]
    if pred is not None:
        preds = read_predictions(pred, all_docs)
    else:
        preds = annotate_gold_texts(all_docs, config, progress=progress, overrides=overrides,
                                    records_out=records_out)
    return {name: {d.id: preds[d.id] for d in docs if d.id in preds}
            for name, docs in gold_sets.items()}


def evaluate(
    gold: Path = typer.Option(..., "--gold", help="Gold: a brat folder (text/ + attributions/, "
                              "as PolNeAR), a gold .jsonl file, or a folder of .jsonl files."),
    fmt: GoldFormat = typer.Option(GoldFormat.jsonl, "--format",
                                   help="Gold format: brat (PolNeAR standoff) or jsonl (own "
                                        "gold, docs/evaluation.md)."),
    pred: Path | None = typer.Option(None, "--pred", help="Predictions JSONL from `claimtrace "
                                     "annotate` on the same texts; if absent, the pipeline is "
                                     "run on the gold texts."),
    config: str = typer.Option("configs/default.cfg", "--config",
                               help="Pipeline config used when --pred is absent."),
    overrides: list[str] = typer.Option([], "--set", help="Config override when running the "
                                        "pipeline, e.g. --set components.quotes.min_words_cued=2 "
                                        "(repeatable)."),
    pred_out: Path | None = typer.Option(None, "--pred-out", help="When the pipeline runs, also "
                                         "save its records here (JSONL) to reuse with --pred."),
    as_json: bool = typer.Option(False, "--json",
                                 help="Print all scores (and per-article errors) as JSON on "
                                      "stdout instead of the tables; messages go to stderr."),
    json_out: Path | None = typer.Option(None, "--json-out",
                                         help="Also write all scores (and per-article errors) "
                                              "to this JSON file."),
    limit: int | None = typer.Option(None, "--limit", min=1,
                                     help="Score only the first N articles of each gold set."),
    every: int | None = typer.Option(None, "--every", min=1,
                                     help="Score only every N-th article of each gold set (the "
                                          "1st, N+1st, ... in name order). --every 6 on PolNeAR "
                                          "train is the slice the span tagger never trains on."),
    stretch: bool = typer.Option(False, "--stretch-discontinuous",
                                 help="brat: score a discontinuous gold content as one span "
                                      "from its first to last character instead of the union "
                                      "of its fragments."),
    merge: bool | None = typer.Option(None, "--merge-continuations/--no-merge-continuations",
                                      help="Score quotes the pipeline links with `continues` "
                                           "(\"A,\" he said. \"B.\") as one attribution with "
                                           "several fragments, the unit PolNeAR annotates. "
                                           "Default: on for brat gold, off for project gold "
                                           "(one gold quote per quoted passage)."),
    show_errors: bool = typer.Option(False, "--show-errors",
                                     help="Print missed and spurious quotes and wrong speakers "
                                          "per article (at ≥0.3 overlap)."),
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Show a progress bar while annotating."),
    min_quoted_f1: float | None = typer.Option(
        None, help="Exit 1 if quotes-with-marks F1 at ≥0.3 overlap is below this."),
    min_quoted_recall_08: float | None = typer.Option(
        None, help="Exit 1 if quotes-with-marks recall at ≥0.8 overlap is below this."),
    min_speaker_acc: float | None = typer.Option(
        None, help="Exit 1 if speaker-mention accuracy on matched quotes-with-marks is below."),
    min_name_acc: float | None = typer.Option(
        None, help="Exit 1 if canonical-name accuracy on matched quotes-with-marks is below."),
    min_all_f1: float | None = typer.Option(
        None, help="Exit 1 if all-attributions content F1 at ≥0.3 overlap is below this."),
    min_indirect_recall: float | None = typer.Option(
        None, help="Exit 1 if indirect recall at ≥0.3 overlap is below this."),
    max_negatives: int | None = typer.Option(
        None, help="Exit 1 if more gold negatives (scare quotes, titles, terms) than this are "
                   "output as quotes."),
) -> None:
    """Score quote spans (exact, ≥0.8, ≥0.3 overlap), cues and speakers against gold."""
    console = Console(stderr=as_json)
    try:
        gold_sets = load_gold_sets(gold, fmt.value, limit, stretch, every)
        from pipeline.build import parse_overrides

        records: list[dict] | None = [] if pred_out is not None and pred is None else None
        preds = predict_sets(gold_sets, pred, config, progress,
                             parse_overrides(overrides) if overrides else None, records)
    except ClaimtraceError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    if records is not None and pred_out is not None:
        write_records(records, pred_out)
    if merge is None:
        merge = fmt.value == "brat"
    if merge:
        preds = {name: {doc.id: merge_continuations(preds[name][doc.id], doc.text)
                        for doc in docs if doc.id in preds[name]}
                 for name, docs in gold_sets.items()}
    results = {name: evaluate_docs(docs, preds[name]) for name, docs in gold_sets.items()}
    meta = {"gold": str(gold), "format": fmt.value, "pred": str(pred) if pred else None,
            "config": None if pred else config, "stretch_discontinuous": stretch,
            "merge_continuations": merge}
    if as_json:
        sys.stdout.write(results_json(results, meta))
    else:
        print_results(results, console, show_errors)
    if json_out is not None:
        write_json(results, meta, json_out)
    failures = failed_thresholds(results, {
        "quoted_f1": min_quoted_f1, "quoted_recall_08": min_quoted_recall_08,
        "speaker_acc": min_speaker_acc, "name_acc": min_name_acc, "all_f1": min_all_f1,
        "indirect_recall": min_indirect_recall, "negatives": max_negatives,
    })
    for failure in failures:
        console.print(f"[red]below threshold[/red] {failure}", highlight=False)
    if failures:
        raise typer.Exit(1)


app = typer.Typer(help="Score claimtrace output against gold.", add_completion=False)
app.command("evaluate")(evaluate)
