"""Records are untrusted: any field of a structurally valid record may hold anything, and the
article view, the page and the corpus counts must still come out (seeded, so reproducible)."""

from __future__ import annotations

import copy
import random

from pipeline.errors import ClaimtraceError
from pipeline.report import charts
from pipeline.report.aggregate import CorpusStats
from pipeline.report.article import build_article
from pipeline.report.overview import tables
from pipeline.report.records import check_record
from pipeline.report.render import render

from .records import edge_records

ODD_VALUES = [None, "x", 5, -3, 10**9, [], {}, [1], {"start": 1}, True, 0.5, "<b>",
              [{"a": 1}], {"label": "favor"}]


def mutated(rng: random.Random, record: dict) -> dict:
    """``record`` with three random nested fields replaced by odd values."""
    record = copy.deepcopy(record)
    for _ in range(3):
        node, path = record, []
        while isinstance(node, dict | list) and node:
            key = rng.choice(list(node) if isinstance(node, dict) else range(len(node)))
            path.append((node, key))
            node = node[key]
            if rng.random() < 0.3:
                break
        if path:
            parent, key = path[-1]
            parent[key] = rng.choice(ODD_VALUES)
    return record


def test_malformed_fields_never_crash_the_reports():
    rng = random.Random(14)
    bases = [r for r in edge_records() if "error" not in r]
    stats = CorpusStats()
    checked = 0
    for _ in range(600):
        record = mutated(rng, rng.choice(bases))
        try:
            check_record(record, "fuzz.jsonl", 1)
        except ClaimtraceError:
            continue  # the readers refuse it with E603 before anything else sees it
        checked += 1
        view = build_article(record)
        render("show.html.j2", articles=[view], title="t", source_name="fuzz.jsonl")
        stats.add(record)
    assert checked > 100
    tables(stats)
    for chart in (charts.quotes_by_type(stats), charts.resolutions(stats),
                  charts.top_speakers(stats, 5), charts.stance_heatmap(stats, 5, 5),
                  charts.sentiment_heatmap(stats, 5, 5)):
        assert chart is None or "Plotly.newPlot" in chart
