"""`claimtrace show` and `claimtrace report`: typer commands, mounted by pipeline/cli.py."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.errors import ClaimtraceError

err_console = Console(stderr=True)


def _fail(err: ClaimtraceError) -> typer.Exit:
    err_console.print(f"[red]{escape(str(err))}[/red]", highlight=False)
    return typer.Exit(2)


def _warn(warnings: list[str], limit: int = 20) -> None:
    for warning in warnings[:limit]:
        err_console.print(f"[yellow]{escape(warning)}[/yellow]", highlight=False)
    if len(warnings) > limit:
        err_console.print(f"[yellow]… and {len(warnings) - limit} more warnings[/yellow]")


def show(
    annotated: Path = typer.Argument(..., help="JSONL written by `claimtrace annotate`."),
    doc: list[str] = typer.Option([], "--doc", "-d",
                                  help="Id of the article to show (repeatable). Default: every "
                                       "article in the file, up to --max-docs."),
    output: Path = typer.Option(..., "--output", "-o", help="HTML file to write."),
    max_docs: int = typer.Option(20, "--max-docs", min=1,
                                 help="Without --doc, refuse files with more articles than "
                                      "this (one page per article stays readable)."),
) -> None:
    """Write one annotated article (or a few) as a self-contained HTML page: quotes coloured
    by speaker, cues, claims with stance badges, actors; hover, focus or tap a quote for its
    speaker, how it was resolved and the scores."""
    from pipeline.report.render import check_output, write_html
    from pipeline.report.show import build_views, select_articles, show_html

    try:
        check_output(output, [annotated])
        selection = select_articles(annotated, doc, max_docs)
        views = build_views(selection)
        size = write_html(show_html(annotated, views), output)
    except ClaimtraceError as err:
        raise _fail(err) from err
    _warn(selection.warnings + [w for view in views for w in view.warnings])
    err_console.print(f"{len(views)} article(s) -> {output} ({size / 1024:.0f} KiB)")


class GoldFormat(StrEnum):
    """Gold formats ``report --gold-format`` accepts."""

    auto = "auto"
    brat = "brat"
    jsonl = "jsonl"


def report(
    annotated: Path = typer.Argument(..., help="JSONL written by `claimtrace annotate` (any "
                                     "size: read once, streaming)."),
    output: Path = typer.Option(..., "--output", "-o", help="HTML file to write."),
    gold: Path | None = typer.Option(None, "--gold",
                                     help="Also score the pipeline against gold: a brat folder "
                                          "(PolNeAR), a gold .jsonl or a folder of them "
                                          "(corpus/gold, doccano pulls)."),
    gold_format: GoldFormat = typer.Option(GoldFormat.auto, "--gold-format",
                                           help="Gold format; auto: brat for a folder with "
                                                "attributions/, else jsonl."),
    top: int = typer.Option(20, "--top", min=1, help="Speakers in the top-speakers chart."),
    heatmap_speakers: int = typer.Option(25, min=1, help="Speakers (rows) in the heatmaps."),
    heatmap_targets: int = typer.Option(15, min=1, help="Targets (columns) in the stance "
                                                        "heatmap."),
    heatmap_actors: int = typer.Option(20, min=1, help="Actors (columns) in the sentiment "
                                                       "heatmap."),
    page_size: int = typer.Option(25, min=5, help="Rows per page in the tables."),
) -> None:
    """Write a corpus overview as one self-contained HTML file: quotes by type, top speakers,
    speaker x target stance, speakers' sentiment toward other actors, paged tables, and with
    --gold the pipeline's scores against it."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.report.gold import GoldComparison
    from pipeline.report.overview import ReportOptions, build_report
    from pipeline.report.render import check_output, write_html

    options = ReportOptions(top, heatmap_speakers, heatmap_targets, heatmap_actors, page_size)
    try:
        check_output(output, [annotated] + ([gold] if gold else []))
        comparison = None
        if gold is not None:
            fmt = None if gold_format is GoldFormat.auto else gold_format.value
            comparison = GoldComparison.load(gold, fmt)
        size = annotated.stat().st_size if annotated.is_file() else 0
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                      TimeElapsedColumn(), console=err_console) as progress:
            task = progress.add_task("reading records", total=size)
            built = build_report(annotated, comparison, options,
                                 lambda done: progress.update(task, completed=done))
        written = write_html(built.html, output)
    except ClaimtraceError as err:
        raise _fail(err) from err
    _warn(built.warnings)
    stats = built.stats
    err_console.print(f"{stats.articles} articles, {sum(stats.errors.values())} error records, "
                      f"{sum(stats.quote_types.values())} quotes -> {output} "
                      f"({written / 1024 / 1024:.1f} MiB)")


def register(app: typer.Typer) -> None:
    """Mount the report commands on the main CLI."""
    app.command("show")(show)
    app.command("report")(report)
