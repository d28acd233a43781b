"""`claimtrace report`: stream an annotated file once, aggregate, and render the corpus page.

Big corpora stay usable: charts show aggregates (top speakers, top targets), and the detail
lives in tables paged in the browser, their rows embedded once as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plotly.offline import get_plotlyjs

from pipeline.errors import ClaimtraceError, Errors
from pipeline.report import charts
from pipeline.report.aggregate import (
    QUOTE_TYPES,
    SENTIMENT_LABELS,
    STANCE_LABELS,
    CorpusStats,
    net,
)
from pipeline.report.gold import GoldComparison
from pipeline.report.records import iter_lines
from pipeline.report.render import render


@dataclass
class ReportOptions:
    """How much the charts show (tables always hold everything)."""

    top_speakers: int = 20
    heatmap_speakers: int = 25
    heatmap_targets: int = 15
    heatmap_actors: int = 20
    page_size: int = 25


@dataclass
class Report:
    """The rendered page and what the command prints about it."""

    html: str
    stats: CorpusStats
    warnings: list[str] = field(default_factory=list)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def tables(stats: CorpusStats) -> list[dict]:
    """The paged tables: columns (name, kind) and rows, sorted by the most telling column."""
    speakers = sorted(stats.speakers.values(), key=lambda s: (-s.total_quotes, s.name))
    stance_rows = [
        [speaker, target, c["favor"], c["against"], c["neutral"], c["gated"],
         _round(net(c, "favor", "against", STANCE_LABELS))]
        for (speaker, target), c in stats.stance.items()]
    stance_rows.sort(key=lambda r: (-(r[2] + r[3] + r[4]), r[0], r[1]))
    sentiment_rows = [
        [speaker, actor, c["positive"], c["negative"], c["neutral"],
         _round(net(c, "positive", "negative", SENTIMENT_LABELS))]
        for (speaker, actor), c in stats.sentiment.items()]
    sentiment_rows.sort(key=lambda r: (-(r[2] + r[3] + r[4]), r[0], r[1]))
    return [
        {"id": "speakers", "title": "Speakers",
         "columns": [("speaker", "text"), ("type", "text"), ("quotes", "num"),
                     *((kind, "num") for kind in QUOTE_TYPES), ("claims", "num"),
                     ("articles", "num"), ("favor", "num"), ("against", "num"),
                     ("neutral", "num"), ("off-topic", "num")],
         "rows": [[s.name, s.actor_type, s.total_quotes, *(s.quotes[k] for k in QUOTE_TYPES),
                   s.claims, s.articles, s.stance["favor"], s.stance["against"],
                   s.stance["neutral"], s.stance["gated"]] for s in speakers]},
        {"id": "stance", "title": "Stance by speaker and target",
         "columns": [("speaker", "text"), ("target", "text"), ("favor", "num"),
                     ("against", "num"), ("neutral", "num"), ("off-topic", "num"),
                     ("net", "num")],
         "rows": stance_rows},
        {"id": "sentiment", "title": "Sentiment toward other actors",
         "columns": [("speaker", "text"), ("toward", "text"), ("positive", "num"),
                     ("negative", "num"), ("neutral", "num"), ("net", "num")],
         "rows": sentiment_rows},
        {"id": "articles", "title": "Articles",
         "columns": [("id", "text"), ("quotes", "num"), ("claims", "num"),
                     ("named speakers", "num"), ("top speaker", "text"), ("favor", "num"),
                     ("against", "num"), ("warnings", "num")],
         "rows": stats.article_rows},
    ]


def collect(path: Path, gold: GoldComparison | None,
            advance: Callable[[int], None] | None = None) -> CorpusStats:
    """One streaming pass over ``path``: corpus counts, plus gold articles' predictions."""
    stats = CorpusStats()
    gold_docs = gold.docs if gold else {}
    for line in iter_lines(path):
        stats.add(line.record)
        if gold is not None and not line.is_error:
            gold.add(line.record, gold_docs)
        if advance is not None:
            advance(line.offset)
    if not stats.records:
        raise ClaimtraceError(Errors.E604, path=str(path), detail="the file is empty")
    return stats


def build_report(path: Path, gold: GoldComparison | None = None,
                 options: ReportOptions | None = None,
                 advance: Callable[[int], None] | None = None) -> Report:
    """Aggregate ``path`` (and score it against ``gold``) and render the report page."""
    options = options or ReportOptions()
    stats = collect(path, gold, advance)
    warnings: list[str] = []
    if stats.duplicate_ids:
        warnings.append(f"{stats.duplicate_ids} records repeat an id seen earlier in the file; "
                        "each is counted as its own article.")
    if not stats.articles:
        warnings.append(str(ClaimtraceError(Errors.E604, path=str(path),
                                            detail="only error records")))
    gold_view = None
    if gold is not None:
        missing = gold.missing()
        if missing:
            warnings.append(str(ClaimtraceError(
                Errors.E614, count=len(missing), path=str(path),
                examples=", ".join(repr(m) for m in missing[:5]))))
        results = gold.quote_results()
        stance = gold.stance_results()
        gold_view = {"path": str(gold.path), "format": gold.fmt, "results": results,
                     "stance": stance, "chart": charts.gold_f1(results),
                     "confusion": charts.confusion(stance["matrix"], STANCE_LABELS)
                     if stance else None}
    figures = {
        "quote_types": charts.quotes_by_type(stats),
        "resolutions": charts.resolutions(stats),
        "top_speakers": charts.top_speakers(stats, options.top_speakers),
        "stance": charts.stance_heatmap(stats, options.heatmap_speakers,
                                        options.heatmap_targets),
        "sentiment": charts.sentiment_heatmap(stats, options.heatmap_speakers,
                                              options.heatmap_actors),
    }
    html = render("report.html.j2", stats=stats, figures=figures, tables=tables(stats),
                  gold=gold_view, options=options, source_name=path.name,
                  warnings=warnings, plotly_js=get_plotlyjs(), quote_types=QUOTE_TYPES)
    return Report(html, stats, warnings)
