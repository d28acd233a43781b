"""Show evaluation results as rich tables, write them as JSON, check CI thresholds."""

from __future__ import annotations

import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.evaluate.metrics import SUBSETS, THRESHOLDS, threshold_key

SUBSET_TITLES = {
    "quoted": "quotes with quote marks (gold) vs direct+mixed (pred)",
    "all": "all attributions",
    "direct": "direct",
    "mixed": "mixed",
    "indirect": "indirect",
}
SUBSET_NOTE = ("quoted: gold contents with quote marks vs direct+mixed predictions; "
               "all: every attribution.")

# CLI option name -> (path into one result, "min" or "max").
THRESHOLD_METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "quoted_f1": (("subsets", "quoted", "0.3", "f1"), "min"),
    "quoted_recall_08": (("subsets", "quoted", "0.8", "recall"), "min"),
    "speaker_acc": (("subsets", "quoted", "speaker_accuracy", "accuracy"), "min"),
    "name_acc": (("subsets", "quoted", "name_accuracy", "accuracy"), "min"),
    "all_f1": (("subsets", "all", "0.3", "f1"), "min"),
    "indirect_recall": (("subsets", "indirect", "0.3", "recall"), "min"),
    "negatives": (("negatives", "output_as_quote"), "max"),
}


def _threshold_label(threshold: float | str) -> str:
    return "exact" if threshold == "exact" else f"≥{threshold}"


def _ratio_cell(ratio: dict) -> str:
    if not ratio["total"]:
        return "–"
    return f"{ratio['accuracy']:.3f} ({ratio['correct']}/{ratio['total']})"


def _table(title: str) -> Table:
    """A compact table: no vertical rules, so it fits an 80-column terminal."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False,
                  title_style="bold")
    table.add_column("subset", no_wrap=True)
    return table


def f1_table(result: dict) -> Table:
    """Counts and F1 per subset at each overlap threshold."""
    table = _table("F1 by overlap")
    for column in ("gold", "pred", *(_threshold_label(t) for t in THRESHOLDS)):
        table.add_column(column, justify="right", no_wrap=True)
    for subset in SUBSETS:
        scores = result["subsets"][subset]
        table.add_row(subset, str(scores["n_gold"]), str(scores["n_pred"]),
                      *(f"{scores[threshold_key(t)]['f1']:.3f}" for t in THRESHOLDS))
    return table


def precision_recall_table(result: dict) -> Table:
    """Precision and recall per subset at each overlap threshold."""
    table = _table("Precision / recall by overlap")
    for threshold in THRESHOLDS:
        label = _threshold_label(threshold)
        table.add_column(f"P {label}", justify="right", no_wrap=True)
        table.add_column(f"R {label}", justify="right", no_wrap=True)
    for subset in SUBSETS:
        scores = result["subsets"][subset]
        cells = []
        for threshold in THRESHOLDS:
            prf = scores[threshold_key(threshold)]
            cells += [f"{prf['precision']:.3f}", f"{prf['recall']:.3f}"]
        table.add_row(subset, *cells)
    return table


def accuracy_table(result: dict) -> Table:
    """Cue, speaker-mention and canonical-name accuracy on the ≥0.3 matches."""
    table = _table("Accuracy on ≥0.3 matches (correct/judged)")
    for column in ("cue", "speaker", "name"):
        table.add_column(column, justify="right", no_wrap=True)
    for subset in SUBSETS:
        scores = result["subsets"][subset]
        table.add_row(subset, _ratio_cell(scores["cue_accuracy"]),
                      _ratio_cell(scores["speaker_accuracy"]),
                      _ratio_cell(scores["name_accuracy"]))
    return table


def results_tables(name: str, result: dict) -> list[Table]:
    """One compact table per measure (each fits 80 columns): F1, precision/recall, accuracy."""
    return [f1_table(result), precision_recall_table(result), accuracy_table(result)]


def print_results(results: dict[str, dict], console: Console, show_errors: bool = False) -> None:
    """Print every gold set's table, its negatives line and, if asked, per-article errors."""
    for name, result in results.items():
        console.print(f"[bold]{escape(name)}[/bold]: {result['documents']} articles "
                      f"({result['prediction_errors']} without predictions)", highlight=False)
        for table in results_tables(name, result):
            console.print(table)
        console.print(SUBSET_NOTE, style="dim", highlight=False)
        negatives = result["negatives"]
        if negatives["total"]:
            console.print(f"negatives (scare quotes, titles, terms) output as quotes: "
                          f"{negatives['output_as_quote']}/{negatives['total']}")
            for item in negatives["items"]:
                console.print(f"  {item['id']}: {item['kind']} {item['text']!r}", markup=False,
                              highlight=False)
        if show_errors:
            for doc in result["per_document"]:
                for key in ("missed", "spurious", "wrong_speaker"):
                    for item in doc.get(key, []):
                        console.print(f"  {doc['id']} {key}: {item}", markup=False)


def metric_value(result: dict, path: tuple[str, ...]) -> float:
    """Follow ``path`` into a result; an undefined accuracy counts as 0."""
    value: object = result
    for key in path:
        value = value[key]  # type: ignore[index]
    return float(value) if value is not None else 0.0


def failed_thresholds(results: dict[str, dict], limits: dict[str, float | None]) -> list[str]:
    """Messages for every gold set whose score is below a min (or above a max) limit."""
    failures = []
    for name, result in results.items():
        for metric, limit in limits.items():
            if limit is None:
                continue
            path, kind = THRESHOLD_METRICS[metric]
            value = metric_value(result, path)
            if (kind == "min" and value < limit) or (kind == "max" and value > limit):
                failures.append(f"{name}: {metric} = {value:.3f}, "
                                f"{'minimum' if kind == 'min' else 'maximum'} {limit}")
    return failures


def results_json(results: dict[str, dict], meta: dict) -> str:
    """``{meta..., "results": {gold set: result}}`` as indented JSON text (``--json``)."""
    return json.dumps({**meta, "results": results}, ensure_ascii=False, indent=1) + "\n"


def write_json(results: dict[str, dict], meta: dict, path: str | Path) -> None:
    """Write ``results_json`` to ``path`` (``--json-out``)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(results_json(results, meta), encoding="utf-8")


def write_records(records: list[dict], path: str | Path) -> None:
    """Save pipeline records as JSONL (reusable with ``--pred``)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
