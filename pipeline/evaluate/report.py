"""Show evaluation results as rich tables, write them as JSON, check CI thresholds."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.evaluate.metrics import SUBSETS, THRESHOLDS, threshold_key

SUBSET_TITLES = {
    "quoted": "quotes with quote marks (gold) vs direct+mixed (pred)",
    "all": "all attributions",
    "direct": "direct",
    "mixed": "mixed",
    "indirect": "indirect",
}

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


def _prf_cell(scores: dict) -> str:
    return f"{scores['precision']:.2f} / {scores['recall']:.2f} / {scores['f1']:.2f}"


def _ratio_cell(ratio: dict) -> str:
    if not ratio["total"]:
        return "–"
    return f"{ratio['accuracy']:.2f} ({ratio['correct']}/{ratio['total']})"


def results_table(name: str, result: dict) -> Table:
    """One table: a row per subset, P/R/F1 per threshold, then the accuracies."""
    table = Table(title=f"{name}: {result['documents']} articles "
                        f"({result['prediction_errors']} without predictions)")
    table.add_column("subset")
    table.add_column("gold", justify="right")
    table.add_column("pred", justify="right")
    for threshold in THRESHOLDS:
        label = "exact" if threshold == "exact" else f"≥{threshold}"
        table.add_column(f"P / R / F1 {label}", justify="right")
    for column in ("cue acc", "speaker acc", "name acc"):
        table.add_column(column, justify="right")
    for subset in SUBSETS:
        scores = result["subsets"][subset]
        table.add_row(
            SUBSET_TITLES[subset], str(scores["n_gold"]), str(scores["n_pred"]),
            *(_prf_cell(scores[threshold_key(t)]) for t in THRESHOLDS),
            _ratio_cell(scores["cue_accuracy"]), _ratio_cell(scores["speaker_accuracy"]),
            _ratio_cell(scores["name_accuracy"]),
        )
    return table


def print_results(results: dict[str, dict], console: Console, show_errors: bool = False) -> None:
    """Print every gold set's table, its negatives line and, if asked, per-article errors."""
    for name, result in results.items():
        console.print(results_table(name, result))
        negatives = result["negatives"]
        if negatives["total"]:
            console.print(f"negatives (scare quotes, titles, terms) output as quotes: "
                          f"{negatives['output_as_quote']}/{negatives['total']}")
            for item in negatives["items"]:
                console.print(f"  {item['id']}: {item['kind']} {item['text']!r}")
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


def write_json(results: dict[str, dict], meta: dict, path: str | Path) -> None:
    """Write ``{meta..., "results": {gold set: result}}`` as indented JSON."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({**meta, "results": results}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def write_records(records: list[dict], path: str | Path) -> None:
    """Save pipeline records as JSONL (reusable with ``--pred``)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
