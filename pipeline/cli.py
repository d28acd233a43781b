"""The ``claimtrace`` command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from .corpus.cli import app as corpus_app
from .doccano.cli import app as doccano_app
from .errors import ClaimtraceError
from .report.cli import register as register_reports
from .spans_training.cli import app as spans_app
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
app.add_typer(spans_app, name="spans")
err_console = Console(stderr=True)


@app.command()
def annotate(
    inputs: list[str] = typer.Argument(
        ...,
        help="Article .txt files, folders of them (walked recursively, links followed), .jsonl "
        'files ({"id", "text", "meta"} per line) or \'-\' for stdin.',
    ),
    output: str = typer.Option(
        "-",
        "--output",
        "-o",
        help="Output JSONL file, written as OUT.partial and renamed when complete ('-': stdout).",
    ),
    config: str = typer.Option(
        "configs/default.cfg",
        "--config",
        "-c",
        help="Pipeline config (.cfg); relative paths resolve against the repo root.",
    ),
    overrides: list[str] = typer.Option(
        [],
        "--set",
        help="Config override, e.g. --set components.quotes.min_cue_precision=0.4 (repeatable).",
    ),
    target: list[str] = typer.Option(
        [],
        "--target",
        "-t",
        help="Stance target added to the config's targets for every article (repeatable). "
        "Without any target the stance model is not loaded.",
    ),
    batch_size: int = typer.Option(
        64, help="Articles per chunk: the unit of work sent to a worker and saved at once "
        "(larger chunks run faster; an interrupted chunk is redone on --resume)."
    ),
    max_chars: int = typer.Option(
        1_000_000, help="Reject articles longer than this many characters (E004)."
    ),
    dask: str = typer.Option(
        "",
        help="Run on Dask: 'local' starts a LocalCluster, or give a scheduler address "
        "(tcp://host:8786). Empty: processes on this machine (--workers).",
    ),
    workers: int = typer.Option(
        None,
        help="Worker processes, each loading the pipeline once: local processes (default 1), or "
        "LocalCluster workers with --dask local (default 2).",
        show_default=False,
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Finish an interrupted run into the same -o file."
    ),
    allow_output_in_input: bool = typer.Option(
        False,
        "--allow-output-in-input",
        help="Allow -o inside an input folder (this run skips its own output files).",
    ),
    ids: str = typer.Option(
        "stem",
        help="Ids of .txt files: 'stem' (file name without suffix) or 'path' (path inside the "
        "folder given, without suffix).",
    ),
) -> None:
    """Annotate articles and write one JSON record per article.

    Exit codes: 0 all annotated; 1 some inputs became error records; 2 usage or config error
    (nothing written); 3 stopped on a write or cluster failure (rerun with --resume);
    130 interrupted (rerun with --resume). docs/batch.md has the details."""
    from .job import JobOptions, run_job

    options = JobOptions(
        inputs=inputs,
        output=output,
        config=config,
        overrides=overrides,
        targets=target,
        batch_size=batch_size,
        max_chars=max_chars,
        dask=dask,
        workers=workers,
        resume=resume,
        allow_output_in_input=allow_output_in_input,
        ids=ids,
    )
    code = run_job(options)
    if code:
        raise typer.Exit(code)


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
    hold_out_every: int = typer.Option(
        6, help="Leave out every N-th article (the 1st, N+1st, ...; 0: none): the held-out "
        "slice `claimtrace evaluate --every N` scores as unseen news."),
) -> None:
    """Count which verbs are attribution cues in gold, how reliably, and where their content
    sits (ccomp, dobj, prep:for ...); writes the derived cue lexicon."""
    from .build import load_pipeline
    from .evaluate.brat import read_brat_folder
    from .lexicon import derive, write_lexicon

    try:
        docs = read_brat_folder(gold)
        if hold_out_every:
            docs = [d for k, d in enumerate(docs) if k % hold_out_every]
        docs = docs[: limit or None]
        nlp = load_pipeline(config)
    except ClaimtraceError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    with nlp.select_pipes(
        enable=[
            p
            for p in nlp.pipe_names
            if not p.startswith(("actors", "quotes", "spans", "attribution", "claims", "stance"))
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


def _mount_evaluate() -> None:
    try:
        from .evaluate.cli import evaluate
    except ImportError:  # evaluator not installed in this build
        return
    app.command("evaluate")(evaluate)


_mount_evaluate()

if __name__ == "__main__":
    app()
