"""``claimtrace corpus``: add, similar, import, stats, check."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.corpus.config import DEFAULT_MAX_TOKENS, DEFAULT_THRESHOLD
from pipeline.corpus.layout import Corpus, write_jsonl_atomic
from pipeline.errors import ClaimtraceError, Errors

if TYPE_CHECKING:
    from pipeline.corpus.add import AddResult, Candidate, Decision, Rejected

app = typer.Typer(help="Build and extend the corpus: add articles, find similar ones, import "
                       "gold, count. See docs/corpus.md.", no_args_is_help=True)
err = Console(stderr=True)
_COLOURS = {"added": "green", "forced": "yellow", "duplicate": "cyan",
            "near-duplicate": "yellow", "invalid": "red"}

CORPUS_OPTION = typer.Option(Path("corpus"), "--corpus", help="Corpus folder (articles.jsonl, "
                             "articles/, gold/); created by the first add or import.")
THRESHOLD_OPTION = typer.Option(DEFAULT_THRESHOLD, "--near-threshold", min=0.05, max=1.0,
                                help="Word 3-gram Jaccard at or above which two articles are "
                                     "near-duplicates.")
CACHE_OPTION = typer.Option(None, "--cache", help="Folder of the vector cache (default "
                            "$CLAIMTRACE_CACHE_DIR or ~/.cache/claimtrace).")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True)


def _fail(error: ClaimtraceError) -> typer.Exit:
    err.print(f"[red]{error}[/red]", highlight=False)
    return typer.Exit(2)


def _printer(quiet: bool):
    def show(decision: Decision) -> None:
        if quiet and decision.action == "added":
            return
        colour = _COLOURS.get(decision.action, "white")
        gold = f" [gold: {decision.gold}]" if decision.gold else ""
        err.print(f"[{colour}]{decision.action:>14}[/{colour}] {decision.label}: "
                  f"{decision.message}{gold}", highlight=False, soft_wrap=True)
    return show


def _finish(result: AddResult, report: Path | None) -> None:
    for warning in result.warnings:
        err.print(f"[yellow]warning: {warning}[/yellow]", highlight=False)
    if report:
        write_jsonl_atomic(report, [d.to_dict() for d in result.decisions])
    err.print(result.summary() + (f"; gold -> {result.gold_path}" if result.gold_path else "")
              + (f"; decisions -> {report}" if report else ""), highlight=False)
    if result.counts()["invalid"]:
        raise typer.Exit(1)


def _run_add(corpus: Path, items: Iterator[Candidate | Rejected], defaults: dict, force: bool,
             threshold: float, dry_run: bool, report: Path | None, quiet: bool,
             cache_dir: Path | None, gold_set: str | None = None,
             replace: bool = False) -> None:
    from pipeline.corpus.add import add_to_corpus
    from pipeline.corpus.cache import VectorCache

    try:
        with VectorCache(cache_dir) as cache:
            result = add_to_corpus(Corpus(corpus), items, defaults, force, threshold, gold_set,
                                   replace, dry_run, cache, _printer(quiet))
    except ClaimtraceError as error:
        raise _fail(error) from error
    _finish(result, report)


def _check_output(output: Path, inputs: list[str]) -> None:
    resolved = output.resolve()
    for raw in inputs:
        if raw != "-" and Path(raw).resolve() == resolved:
            raise _fail(ClaimtraceError(Errors.E511, path=str(output)))


@app.command()
def add(
    inputs: list[str] = typer.Argument(None, help="Article .txt files, folders of them, or JSONL "
                                       '({"id", "text", "meta"} per line, e.g. a shortlist).'),
    url: list[str] = typer.Option([], "--url", help="Fetch this news page and add its article "
                                  "text (repeatable)."),
    url_file: Path = typer.Option(None, "--url-file", help="A file with one URL per line."),
    corpus: Path = CORPUS_OPTION,
    title: str = typer.Option(None, help="Title, for inputs whose meta has none."),
    source: str = typer.Option(None, help="Publisher / outlet, for inputs whose meta has none."),
    date: str = typer.Option(None, help="Publication date YYYY-MM-DD, for inputs without one."),
    language: str = typer.Option("en", help="Language code, for inputs without one."),
    license_note: str = typer.Option(None, "--license", help="License note, e.g. 'CC BY 4.0' "
                                     "or 'research use only, do not redistribute'."),
    split: str = typer.Option("auto", help="train, dev, test, or auto (drawn from the id)."),
    target: list[str] = typer.Option([], "--target", help="Stance target stored with the "
                                     "articles (repeatable)."),
    reference: bool = typer.Option(False, "--reference", help="Store the .txt files' paths "
                                   "and hashes, not their text (for texts you may not share)."),
    force: bool = typer.Option(False, "--force", help="Add near-duplicates too (exact "
                               "duplicates never)."),
    threshold: float = THRESHOLD_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the decisions, write nothing."),
    report: Path = typer.Option(None, "--report", help="Write every decision to this JSONL."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only what was not added."),
    timeout: float = typer.Option(20.0, help="Seconds to wait for a page (connect and read)."),
    delay: float = typer.Option(1.0, help="Seconds between two requests to the same host."),
    no_robots: bool = typer.Option(False, "--no-robots", help="Do not read robots.txt (only "
                                   "for your own servers)."),
    cache_dir: Path = CACHE_OPTION,
) -> None:
    """Add articles: content-based ids, exact duplicates rejected, near-duplicates kept out
    unless --force, every decision reported."""
    from pipeline.corpus.fetch import Fetcher, from_urls
    from pipeline.corpus.importers import from_inputs

    urls = list(url)
    if url_file:
        urls += [u.strip() for u in url_file.read_text(encoding="utf-8").splitlines()
                 if u.strip() and not u.startswith("#")]
    if not inputs and not urls:
        err.print("[red]Nothing to add: give files, folders, JSONL or --url.[/red]")
        raise typer.Exit(2)
    defaults = {"title": title, "source": source, "date": date, "language": language,
                "license": license_note, "split": split, "targets": target}

    def items() -> Iterator[Candidate | Rejected]:
        if inputs:
            yield from from_inputs(inputs, reference=reference)
        if urls:
            yield from from_urls(urls, Fetcher(timeout, delay, robots=not no_robots))

    _run_add(corpus, items(), defaults, force, threshold, dry_run, report, quiet, cache_dir)


@app.command("import")
def import_gold(
    path: Path = typer.Argument(..., help="brat folder (text/ + attributions/, as PolNeAR), a "
                                "`claimtrace doccano pull` file, or claimtrace gold JSONL."),
    fmt: str = typer.Option(..., "--format", "-f", help="brat, doccano or jsonl."),
    corpus: Path = CORPUS_OPTION,
    name: str = typer.Option(None, "--name", help="Gold set name: gold/NAME.jsonl (default "
                             "from the path, e.g. polnear-train)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing gold set of "
                                 "that name."),
    copy_text: bool = typer.Option(False, "--copy-text", help="brat/jsonl: store the texts in "
                                   "the corpus (default: by reference, for texts you may not "
                                   "share)."),
    include_unconfirmed: bool = typer.Option(False, "--all", help="doccano: also take "
                                             "unconfirmed records as gold (state "
                                             "'unconfirmed')."),
    limit: int = typer.Option(0, help="brat: only the first N articles (0: all)."),
    source: str = typer.Option(None, help="Publisher, for articles whose metadata has none."),
    license_note: str = typer.Option(None, "--license", help="License note for the articles."),
    split: str = typer.Option(None, help="train, dev, test or auto (default: the folder's name "
                              "when it is one of train/dev/test, else auto)."),
    force: bool = typer.Option(False, "--force", help="Add near-duplicates too."),
    threshold: float = THRESHOLD_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the decisions, write nothing."),
    report: Path = typer.Option(None, "--report", help="Write every decision to this JSONL."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only what was not added."),
    cache_dir: Path = CACHE_OPTION,
) -> None:
    """Import articles with gold attributions: PolNeAR-style brat, a doccano pull, or gold
    JSONL. Gold goes to gold/NAME.jsonl; duplicates of corpus articles get the gold attached."""
    from pipeline.corpus.ids import SPLITS, slugify
    from pipeline.corpus.importers import FORMATS, from_brat, from_doccano, from_gold_jsonl

    if fmt not in FORMATS:
        raise _fail(ClaimtraceError(Errors.E508, fmt=fmt))
    if not path.exists():
        raise _fail(ClaimtraceError(Errors.E008, name=str(path)))
    stem = path.stem if path.is_file() else path.name
    set_name = slugify(name or (f"{path.resolve().parent.name}-{stem}" if fmt == "brat"
                               else stem)) or "imported"
    corpus_dir = Corpus(corpus)
    if path.resolve() == corpus_dir.gold_path(set_name).resolve():
        raise _fail(ClaimtraceError(Errors.E511, path=str(path)))
    if split is None:
        split = stem if stem in SPLITS else "auto"
    defaults = {"source": source, "license": license_note, "split": split}
    try:
        if fmt == "brat":
            items = from_brat(path, copy_text=copy_text, limit=limit or None)
        elif fmt == "doccano":
            items = from_doccano(path, include_unconfirmed=include_unconfirmed)
        else:
            items = from_gold_jsonl(path, copy_text=copy_text)
        _run_add(corpus, items, defaults, force, threshold, dry_run, report, quiet, cache_dir,
                 gold_set=set_name, replace=replace)
    except ClaimtraceError as error:
        raise _fail(error) from error


@app.command()
def similar(
    candidates: list[str] = typer.Argument(..., help="Candidate pool: .txt files, folders, "
                                           "JSONL ({\"id\", \"text\", \"meta\"} per line)."),
    corpus: Path = CORPUS_OPTION,
    top: int = typer.Option(50, "--top", "-n", min=1, help="Shortlist length."),
    like: list[str] = typer.Option([], "--like", help="Rank by similarity to this corpus "
                                   "article (id, name or id prefix; repeatable)."),
    target: list[str] = typer.Option([], "--target", help="Rank by similarity to this stance "
                                     "target (repeatable)."),
    output: Path = typer.Option(Path("shortlist.jsonl"), "--output", "-o",
                                help="Shortlist JSONL (`claimtrace corpus add` reads it)."),
    min_score: float = typer.Option(None, help="Leave out candidates scoring below this."),
    threshold: float = THRESHOLD_OPTION,
    max_tokens: int = typer.Option(DEFAULT_MAX_TOKENS, help="Word pieces of each text that "
                                   "are embedded (headline and lead)."),
    threads: int = typer.Option(0, help="Torch threads (0: torch's default)."),
    report: Path = typer.Option(None, "--report", help="Write the dropped candidates, with "
                                "reasons, to this JSONL."),
    cache_dir: Path = CACHE_OPTION,
) -> None:
    """Rank a pool of candidate articles by similarity to the corpus (or --like articles, or
    --target texts); near-duplicates of corpus articles are dropped; writes a shortlist."""
    from pipeline.corpus.cache import VectorCache
    from pipeline.corpus.importers import from_inputs
    from pipeline.corpus.similar import Embedder, rank_pool, shortlist_line

    _check_output(output, candidates)
    corpus_dir = Corpus(corpus)
    if not corpus_dir.exists() and not target:
        raise _fail(ClaimtraceError(Errors.E501, path=str(corpus)))
    pool = list(from_inputs(candidates))
    try:
        with VectorCache(cache_dir) as cache, _progress() as progress:
            task = progress.add_task("embedding candidates", total=len(pool))
            embedder = Embedder(cache, max_tokens=max_tokens, threads=threads or None)
            result = rank_pool(corpus_dir, pool, embedder, top, like, target, threshold,
                               min_score, lambda n: progress.advance(task, n))
    except ClaimtraceError as error:
        raise _fail(error) from error
    for warning in result.warnings:
        err.print(f"[yellow]warning: {warning}[/yellow]", highlight=False)
    for dropped in result.dropped[:20]:
        err.print(f"[yellow]dropped[/yellow] {dropped.label}: {dropped.reason}"
                  + (f" (Jaccard {dropped.score:.2f})" if dropped.score is not None else ""),
                  highlight=False, soft_wrap=True)
    if len(result.dropped) > 20:
        err.print(f"... and {len(result.dropped) - 20} more dropped"
                  + ("" if report else " (see --report)"))
    lines = [shortlist_line(rank, r) for rank, r in enumerate(result.shortlist, 1)]
    write_jsonl_atomic(output, lines)
    if report:
        write_jsonl_atomic(report, [vars(d) for d in result.dropped])
    err.print(f"{len(lines)} of {result.pool_size} candidates shortlisted, "
              f"{len(result.dropped)} dropped -> {output}", highlight=False)
    for line in lines[:10]:
        err.print(f"  {line['rank']:>3}. {line['score']:.3f}  {line['id']}", highlight=False)


@app.command()
def stats(
    corpus: Path = CORPUS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    list_articles: bool = typer.Option(False, "--list", help="Also list every article (id, "
                                       "name, split, state, title)."),
) -> None:
    """Counts per source, split, annotation state and gold label."""
    from pipeline.corpus.dataset import annotation_state, gold_by_article
    from pipeline.corpus.stats import corpus_stats

    try:
        folder = Corpus.open(corpus)
        counts = corpus_stats(folder)
    except ClaimtraceError as error:
        raise _fail(error) from error
    listing = []
    if list_articles:
        gold = gold_by_article(folder)
        listing = [{"id": a["id"], "name": a["name"], "split": a["split"],
                    "state": annotation_state([g["state"] for g in gold.get(a["id"], [])]),
                    "title": a["title"]} for a in folder.articles()]
    if as_json:
        sys.stdout.write(json.dumps({**counts, **({"list": listing} if listing else {})},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    out.print(f"[bold]{counts['articles']} articles[/bold] in {corpus}", highlight=False)
    groups = [("source", counts["by_source"]), ("split", counts["by_split"]),
              ("annotation state", counts["by_state"]), ("stored", counts["by_stored"]),
              ("license", counts["by_license"]), ("gold set", counts["gold_sets"])]
    groups += [(f"label: {k.replace('_', ' ')}", v) for k, v in counts["labels"].items()]
    for title, values in groups:
        if not values:
            continue
        table = Table(title, "count", box=None, header_style="bold")
        for key, value in values.items():
            table.add_row(str(key), str(value))
        out.print(table)
    if listing:
        table = Table("id", "name", "split", "state", "title")
        for row in listing:
            table.add_row(row["id"], row["name"], row["split"], row["state"], row["title"] or "")
        out.print(table)
    for warning in counts["warnings"]:
        err.print(f"[yellow]warning: {warning}[/yellow]", highlight=False)


@app.command()
def check(
    corpus: Path = CORPUS_OPTION,
    fix: bool = typer.Option(False, "--fix", help="Rewrite missing or edited .txt mirrors from "
                             "articles.jsonl."),
) -> None:
    """Check the corpus: every line valid, referenced texts present and unchanged, gold offsets
    inside their texts, .txt mirrors equal to the stored texts."""
    from pipeline.evaluate.gold import parse_gold_record

    problems: list[str] = []
    try:
        folder = Corpus.open(corpus)
        articles = folder.articles()
    except ClaimtraceError as error:
        raise _fail(error) from error
    ids = [a["id"] for a in articles]
    names = [a["name"] for a in articles]
    for what, values in (("id", ids), ("name", names)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            problems.append(f"duplicate {what}s: {', '.join(dupes)}")
    for article in articles:
        try:
            folder.text(article)
        except ClaimtraceError as error:
            problems.append(str(error))
    for article, path in folder.stale_mirrors(articles):
        if fix:
            folder.write_mirror(article)
            err.print(f"rewrote {path}", highlight=False)
        else:
            problems.append(str(ClaimtraceError(Errors.E516, path=str(path), id=article["id"])))
    known = set(ids)
    for path in folder.gold_files():
        for number, line in enumerate(folder.gold_lines(path), 1):
            try:
                parse_gold_record(line, str(path), number)
            except ClaimtraceError as error:
                problems.append(str(error))
            if line.get("article_id") not in known:
                problems.append(f"{path} line {number}: article_id "
                                f"{line.get('article_id')!r} is not in articles.jsonl")
    for problem in problems:
        err.print(f"[red]{problem}[/red]", highlight=False, soft_wrap=True)
    err.print(f"{len(articles)} articles, {len(folder.gold_files())} gold sets: "
              f"{len(problems)} problem(s)", highlight=False)
    if problems:
        raise typer.Exit(1)
