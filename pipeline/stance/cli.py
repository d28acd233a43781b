"""`claimtrace stance ...` commands (train, evaluate, predict)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from pipeline.errors import ClaimtraceError, Errors
from pipeline.stance.config import DEFAULT_RELEVANCE_THRESHOLD

app = typer.Typer(help="Train, evaluate and run the stance classifier.", no_args_is_help=True)
err_console = Console(stderr=True)


def _fail(exc: ClaimtraceError) -> NoReturn:
    err_console.print(f"[red]{exc}[/red]")
    raise typer.Exit(1)


@app.command()
def train(
    config: Path = typer.Option(Path("configs/stance.cfg"), "--config", "-c",
                                help="Training config (.cfg), paths relative to the repo root."),
    output: str = typer.Option(None, "--output", "-o",
                               help="Output folder; default [paths] output of the config."),
    set_: list[str] = typer.Option([], "--set",
                                   help="Config override, e.g. --set training.max_steps=20."),
    init: str = typer.Option(None, "--init",
                             help="Continue training this model folder (e.g. models/stance on "
                                  "new gold labels) instead of starting from the base."),
) -> None:
    """Fine-tune the stance cross-encoder and write the model, training.json and card."""
    from pipeline.build import parse_overrides
    from pipeline.stance.train import train as run_train

    try:
        overrides = parse_overrides(set_)
        if init:
            overrides["model.init"] = init
        meta = run_train(config, overrides, output, log=err_console.print)
    except ClaimtraceError as exc:
        _fail(exc)
    err_console.print(f"saved to {output or meta['config']['paths']['output']} "
                      f"(best dev mean macro-F1 {meta['best_dev_mean_macro_f1']:.3f})")


@app.command()
def calibrate(
    model: str = typer.Option("models/stance", "--model", "-m",
                              help="Model folder to (re)calibrate in place."),
    config: Path = typer.Option(Path("configs/stance.cfg"), "--config", "-c",
                                help="Config naming the dev data and the first-pass settings."),
    dev_limit: int = typer.Option(0, "--dev-limit", help="Dev pairs per set (0 = all)."),
) -> None:
    """Fit the calibration (temperatures, neutral threshold) and the first-pass head of a
    trained model on dev, and store them in its folder (training.json, firstpass.npz)."""
    from pipeline.stance.calibrate import recalibrate

    try:
        meta = recalibrate(model, config, dev_limit, log=err_console.print)
    except ClaimtraceError as exc:
        _fail(exc)
    err_console.print(f"calibrated {model}: {json.dumps(meta['calibration']['temperature'])}, "
                      f"neutral threshold {meta['calibration']['neutral_threshold']}")


def _print_table(result: dict) -> None:
    console = Console()
    wide = Console(width=max(console.width, 160) if not console.is_terminal else None)
    table = Table(title=f"stance evaluation ({result['split']}, model {result['model']}, "
                        f"bf16={result['bf16']})")
    for col in ("set", "n", "majority", "TF-IDF+LR", "model F1", "model acc", "ECE",
                "pairs/s", "goal", "met"):
        table.add_column(col)
    for name, row in result["sets"].items():
        table.add_row(name, str(row["n"]), f"{row['majority']['macro_f1']:.3f}",
                      f"{row['tfidf_lr']['macro_f1']:.3f}", f"{row['model']['macro_f1']:.3f}",
                      f"{row['model']['accuracy']:.3f}", f"{row['ece']:.3f}",
                      f"{row['pairs_per_s']:.0f}", row["goal"], row["goal_met"])
    wide.print(table)
    per = result.get("challenge") or {}
    if per:
        columns = list(per)
        cats = [c for c in per[columns[0]] if c != "overall"] + ["overall"]
        ctable = Table(title="challenge set: accuracy per category")
        for col in ("category", "n", *columns):
            ctable.add_column(col)
        for cat in cats:
            ctable.add_row(cat, str(per[columns[0]][cat]["n"]),
                           *(f"{per[c][cat]['accuracy']:.2f}" for c in columns))
        wide.print(ctable)
    cal = result.get("calibration") or {}
    wide.print(f"calibration: temperature {cal.get('temperature')}, neutral threshold "
               f"{cal.get('neutral_threshold')}")


@app.command()
def evaluate(
    config: Path = typer.Option(Path("configs/stance.cfg"), "--config", "-c",
                                help="Config naming the data (and the default model folder)."),
    model: str = typer.Option(None, "--model", "-m",
                              help="Model folder or hub id; default [paths] output."),
    split: str = typer.Option("test", "--split", help="test (reported numbers) or dev."),
    limit: int = typer.Option(0, "--limit",
                              help="Evaluate on an evenly spaced slice of N pairs per set."),
    train_limit: int = typer.Option(0, "--train-limit",
                                    help="Train the baselines on N sampled pairs (0 = all)."),
    bf16: str = typer.Option("auto", "--bf16", help="bf16 autocast: auto, true or false."),
    threads: int = typer.Option(0, "--threads", help="torch threads (0 = torch default)."),
    relevance_threshold: float = typer.Option(
        DEFAULT_RELEVANCE_THRESHOLD, "--relevance-threshold",
        help="Add a 3-class row with the pipeline's relevance gate at this cosine (below = "
             "neutral); a negative value leaves the row out."),
    json_out: Path = typer.Option(None, "--json", help="Also write the results as JSON here."),
    record: bool = typer.Option(False, "--record",
                                help="Store the results in training.json and the model card."),
) -> None:
    """Print majority, TF-IDF+LR and the model side by side on every stance set, the
    challenge set per category and the calibration error."""
    from pipeline.stance.evaluate import record_metrics, run_evaluation

    try:
        result = run_evaluation(config, model, split, limit, train_limit, bf16, threads,
                                relevance_threshold=(relevance_threshold
                                                     if relevance_threshold >= 0 else None))
    except ClaimtraceError as exc:
        _fail(exc)
    _print_table(result)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if record:
        record_metrics(result["model"], result, _reproducing_command(sys.argv[3:]))


@app.command()
def predict(
    input_: str = typer.Option(..., "--input", "-i",
                               help="JSONL of {\"target\", \"text\"[, \"context\"]} or '-'."),
    output: str = typer.Option("-", "--output", "-o", help="Output JSONL path or '-'."),
    model: str = typer.Option("models/stance", "--model", "-m",
                              help="Model folder (relative to the repo root) or hub id."),
    task: str = typer.Option("stance", "--task",
                             help="Default task for lines without \"task\": stance or actor."),
    batch_size: int = typer.Option(8, "--batch-size", help="Rows per forward pass (fixed shape)."),
    bf16: str = typer.Option("auto", "--bf16", help="bf16 autocast: auto, true or false."),
    threads: int = typer.Option(0, "--threads", help="torch threads (0 = torch default)."),
) -> None:
    """Score arbitrary (target, text) pairs; bad lines become error records, exit code 1."""
    from tqdm import tqdm

    from pipeline.stance.model import load_model
    from pipeline.stance.predict import predict_lines

    if input_ != "-" and not Path(input_).is_file():
        _fail(ClaimtraceError(Errors.E205, name=input_))
    try:
        scorer = load_model(model, bf16=bf16, threads=threads)
    except ClaimtraceError as exc:
        _fail(exc)
    source = sys.stdin if input_ == "-" else open(input_, encoding="utf-8")  # noqa: SIM115
    sink = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    errors = 0
    try:
        records = predict_lines(scorer, source, input_, batch_size, task)
        for rec in tqdm(records, desc="pairs", unit="pair", disable=output == "-"):
            if "error" in rec:
                errors += 1
                err_console.print(f"[red]{rec['error']['code']}[/red] "
                                  f"{rec['error']['message']} {rec['error']['hint']}")
            sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if source is not sys.stdin:
            source.close()
        if sink is not sys.stdout:
            sink.close()
    if errors:
        raise typer.Exit(1)


def _reproducing_command(args: list[str]) -> str:
    """The evaluate command as recorded in the model card: the options that decide the numbers,
    without ``--json`` and its path (an output file, often a machine-specific path)."""
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--json":
            skip = True
        elif not arg.startswith("--json="):
            kept.append(arg)
    return " ".join(["claimtrace stance evaluate", *kept])
