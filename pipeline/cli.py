"""The ``claimtrace`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .corpus.cli import app as corpus_app
from .doccano.cli import app as doccano_app
from .errors import ClaimtraceError
from .report.cli import register as register_reports
from .stance.cli import app as stance_app

app = typer.Typer(
    help="claimtrace: who said what, about whom, with what stance.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(stance_app, name="stance")
app.add_typer(doccano_app, name="doccano")
register_reports(app)
app.add_typer(corpus_app, name="corpus")
err_console = Console(stderr=True)


@app.command()
def annotate(
    inputs: list[str] = typer.Argument(
        ...,
        help="Article .txt files, folders of them, .jsonl files "
        '({"id", "text", "meta"} per line) or \'-\' for stdin.',
    ),
    output: str = typer.Option("-", "--output", "-o", help="Output JSONL file ('-' for stdout)."),
    config: str = typer.Option(
        "configs/default.cfg",
        "--config",
        "-c",
        help="Pipeline config (.cfg); relative paths resolve against the repo root.",
    ),
    overrides: list[str] = typer.Option(
        [],
        "--set",
        help="Config override, e.g. --set components.quotes.min_words_cued=2 (repeatable).",
    ),
    target: list[str] = typer.Option(
        [],
        "--target",
        "-t",
        help="Stance target added to the config's targets for every article (repeatable).",
    ),
    batch_size: int = typer.Option(16, help="Articles per batch through the pipeline."),
    max_chars: int = typer.Option(
        1_000_000, help="Reject articles longer than this many characters."
    ),
    dask: str = typer.Option(
        "",
        help="Run on Dask: 'local' starts a LocalCluster, or give a "
        "scheduler address (tcp://host:8786). Empty: this process only.",
    ),
    workers: int = typer.Option(2, help="Dask workers for --dask local (one thread each)."),
) -> None:
    """Annotate articles and write one JSON record per article."""
    from .build import load_pipeline, parse_overrides
    from .inputs import Article, read_inputs

    try:
        cfg_overrides = parse_overrides(overrides)
        items = list(read_inputs(inputs, max_chars=max_chars))
    except ClaimtraceError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    failed = 0
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        if dask:
            from .distributed import annotate_on_dask

            records = annotate_on_dask(
                items, config, cfg_overrides, target, dask, workers, batch_size
            )
        else:
            from .annotate import annotate as run

            try:
                nlp = load_pipeline(config, cfg_overrides)
            except ClaimtraceError as err:
                err_console.print(f"[red]{err}[/red]")
                raise typer.Exit(2) from err
            records = run(nlp, items, target, batch_size)
        n_words = sum(len(it.text.split()) for it in items if isinstance(it, Article))
        with _progress(output == "-") as progress:
            task = progress.add_task("annotating", total=len(items))
            for record in records:
                if "error" in record:
                    failed += 1
                    e = record["error"]
                    err_console.print(
                        f"[yellow]{record.get('source') or record['id']}: [{e['code']}] "
                        f"{e['message']} {e['hint']}[/yellow]"
                    )
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                progress.advance(task)
    finally:
        if out is not sys.stdout:
            out.close()
    err_console.print(
        f"{len(items) - failed} annotated, {failed} failed ({n_words} words)"
        + (f" -> {output}" if output != "-" else "")
    )
    if failed:
        raise typer.Exit(1)


lexicon_app = typer.Typer(help="Build the data files the rules use.", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("derive")
def derive_lexicon(
    gold: Path = typer.Option(
        Path("../shared/data/polnear/train"),
        help="PolNeAR-style brat folder (text/ + attributions/) to count cues in.",
    ),
    out: Path = typer.Option(Path("pipeline/resources/cue_lexicon.tsv"), help="TSV to write."),
    config: str = typer.Option("configs/default.cfg", help="Pipeline config (parser and model)."),
    limit: int = typer.Option(0, help="Use only the first N articles (0: all)."),
) -> None:
    """Count which verbs are attribution cues in gold, how reliably, and where their content
    sits (ccomp, dobj, prep:for ...); writes the derived cue lexicon."""
    from .build import load_pipeline
    from .evaluate.brat import read_brat_folder
    from .lexicon import derive, write_lexicon

    try:
        docs = read_brat_folder(gold, limit=limit or None)
        nlp = load_pipeline(config)
    except ClaimtraceError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    with nlp.select_pipes(
        enable=[
            p
            for p in nlp.pipe_names
            if not p.startswith(("actors", "quotes", "attribution", "claims", "stance"))
        ]
    ):
        rows = derive(nlp, docs)
    write_lexicon(rows, out)
    err_console.print(f"{len(rows)} cue verbs from {len(docs)} articles -> {out}")


@app.command("package")
def package(
    output: Path = typer.Argument(Path("dist"), help="Folder to write the wheels to."),
    config: str = typer.Option(
        "configs/default.cfg", "--config", "-c", help="Pipeline config (.cfg) to package."
    ),
    overrides: list[str] = typer.Option(
        [], "--set", help="Config override, e.g. --set components.stance.targets='[\"x\"]'."
    ),
    claimtrace_wheel: bool = typer.Option(
        True, help="Also build the claimtrace wheel (the components' code) from the checkout."
    ),
) -> None:
    """Build the installable pipeline package en_claimtrace (spaCy model, word lists and the
    stance model inside) and the claimtrace wheel: pip install both, then
    spacy.load("en_claimtrace") or `claimtrace annotate` from any folder."""
    from .build import parse_overrides
    from .packaging import build_package

    try:
        with err_console.status("saving and packaging the pipeline"):
            wheels = build_package(output, config, parse_overrides(overrides), claimtrace_wheel)
    except ClaimtraceError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    for wheel in wheels:
        err_console.print(f"built {wheel}")


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet and not err_console.is_terminal,
    )


def _mount_evaluate() -> None:
    try:
        from .evaluate.cli import evaluate
    except ImportError:  # evaluator not installed in this build
        return
    app.command("evaluate")(evaluate)


_mount_evaluate()

if __name__ == "__main__":
    app()
