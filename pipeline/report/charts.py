"""Plotly figures for the corpus report: aggregated counts only (never one chart per article).

Each function returns an HTML ``<div>`` (plotly.js itself is inlined once by the template), or
None when there is nothing to draw, so the template can say why instead of an empty chart.
"""

from __future__ import annotations

import html
from collections import Counter

import plotly.graph_objects as go
import plotly.io as pio

from pipeline.report.aggregate import (
    NO_SPEAKER,
    QUOTE_TYPES,
    SENTIMENT_LABELS,
    STANCE_LABELS,
    CorpusStats,
    net,
    top_keys,
)

CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
TYPE_COLOURS = {"direct": "#1f5fbf", "mixed": "#8a63d2", "indirect": "#7fb2f0"}
# Diverging, colour-blind safe (ColorBrewer RdBu): red = against/negative, blue = favor/positive.
DIVERGING = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"],
             [1.0, "#2166ac"]]
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", size=12)


def plain(label: str) -> str:
    """Escape a corpus string for plotly, which reads ``<b>``, ``<a href>`` and entities in
    labels and hovers as markup: names and targets are untrusted text."""
    return html.escape(label, quote=False)


def short(label: str, limit: int = 32) -> str:
    """An escaped label that fits an axis; the full text stays in the hover."""
    return plain(label if len(label) <= limit else label[: limit - 1] + "…")


def _layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """Shared look; ``title=None`` for charts whose heading is in the page (heatmaps, whose
    column labels sit on top)."""
    fig.update_layout(title=dict(text=title, x=0, xanchor="left") if title else None,
                      height=height, font=FONT,
                      margin=dict(l=8, r=8, t=48 if title else 36, b=8),
                      paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
                      legend=dict(orientation="h", y=-0.15))
    fig.update_xaxes(automargin=True, gridcolor="#eaeef2")
    fig.update_yaxes(automargin=True, gridcolor="#eaeef2")
    return fig


def to_div(fig: go.Figure, div_id: str, mode_bar: bool = True) -> str:
    """The figure as a ``<div>`` plus its plotting call, without plotly.js. Heatmaps go without
    the mode bar: their column labels sit on top, where it would cover them."""
    config = CONFIG if mode_bar else {**CONFIG, "displayModeBar": False}
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id,
                       config=config, default_width="100%")


def quotes_by_type(stats: CorpusStats) -> str | None:
    """Bar chart: how many direct, mixed and indirect quotes."""
    if not stats.quote_types:
        return None
    kinds = [k for k in QUOTE_TYPES if k in stats.quote_types] + sorted(
        k for k in stats.quote_types if k not in QUOTE_TYPES)
    fig = go.Figure(go.Bar(x=[plain(k) for k in kinds], y=[stats.quote_types[k] for k in kinds],
                           marker_color=[TYPE_COLOURS.get(k, "#888") for k in kinds],
                           hovertemplate="%{x}: %{y} quotes<extra></extra>"))
    return to_div(_layout(fig, "Quotes by type", 320), "chart-quote-types")


def resolutions(stats: CorpusStats) -> str | None:
    """Horizontal bars: how the speakers of all quotes were found."""
    if not stats.resolutions:
        return None
    keys = top_keys(stats.resolutions, 20)[::-1]
    fig = go.Figure(go.Bar(y=[plain(k) for k in keys], x=[stats.resolutions[k] for k in keys],
                           orientation="h",
                           marker_color="#57606a",
                           hovertemplate="%{y}: %{x} quotes<extra></extra>"))
    return to_div(_layout(fig, "How speakers were found", 80 + 26 * len(keys)),
                  "chart-resolutions")


def top_speakers(stats: CorpusStats, n: int) -> str | None:
    """Stacked horizontal bars: the ``n`` speakers with most quotes, by quote type."""
    totals = Counter({name: s.total_quotes for name, s in stats.speakers.items()})
    names = top_keys(totals, n)[::-1]
    if not names:
        return None
    fig = go.Figure()
    for kind in QUOTE_TYPES:
        fig.add_bar(y=[short(x, 40) for x in names],
                    x=[stats.speakers[x].quotes[kind] for x in names], name=kind,
                    orientation="h", marker_color=TYPE_COLOURS[kind],
                    customdata=[plain(x) for x in names],
                    hovertemplate="%{customdata}: %{x} " + kind + "<extra></extra>")
    fig.update_layout(barmode="stack")
    return to_div(_layout(fig, f"Top {len(names)} speakers by quotes", 110 + 24 * len(names)),
                  "chart-top-speakers")


def _heatmap(rows: list[str], cols: list[str], cells: dict[tuple[str, str], Counter],
             labels: tuple[str, str, str], extra: str | None, div_id: str,
             tick_text: tuple[str, str, str]) -> str:
    positive, negative, _ = labels
    colour_title = "net"
    z, text, hover = [], [], []
    for row in rows:
        z_row, text_row, hover_row = [], [], []
        for col in cols:
            counts = cells.get((row, col), Counter())
            value = net(counts, positive, negative, labels)
            z_row.append(value)
            text_row.append("" if value is None else f"{value:+.2f}")
            parts = [f"{label} {counts[label]}" for label in labels]
            if extra:
                parts.append(f"off-topic {counts[extra]}")
            hover_row.append(f"{plain(row)} → {plain(col)}<br>" + " · ".join(parts))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(go.Heatmap(
        z=z, x=[short(c) for c in cols], y=[short(r, 28) for r in rows], text=text,
        customdata=hover, texttemplate="%{text}", zmin=-1, zmax=1, zmid=0,
        colorscale=DIVERGING, xgap=1, ygap=1, hoverongaps=False,
        hovertemplate="%{customdata}<br>net %{text}<extra></extra>",
        colorbar=dict(title=dict(text=colour_title, side="top"), thickness=12, len=0.9,
                      tickvals=[-1, 0, 1], ticktext=list(tick_text))))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30)
    return to_div(_layout(fig, None, 160 + 26 * len(rows)), div_id, mode_bar=False)


def stance_heatmap(stats: CorpusStats, n_speakers: int, n_targets: int) -> str | None:
    """Speaker x target: net stance (favor - against) / scored claims, gated pairs left out."""
    scored = Counter()
    by_target = Counter()
    for (speaker, target), counts in stats.stance.items():
        k = sum(counts[label] for label in STANCE_LABELS)
        if speaker != NO_SPEAKER:
            scored[speaker] += k
        by_target[target] += k
    speakers = [s for s in top_keys(scored, n_speakers) if scored[s]]
    targets = [t for t in top_keys(by_target, n_targets) if by_target[t]]
    if not speakers or not targets:
        return None
    return _heatmap(speakers, targets, stats.stance, ("favor", "against", "neutral"), "gated",
                    "stance-heatmap", ("−1 against", "0", "+1 favor"))


def sentiment_heatmap(stats: CorpusStats, n_speakers: int, n_actors: int) -> str | None:
    """Speaker x actor mentioned in their claims: net sentiment (positive - negative) / all."""
    by_speaker = Counter()
    by_actor = Counter()
    for (speaker, actor), counts in stats.sentiment.items():
        k = sum(counts[label] for label in SENTIMENT_LABELS)
        if speaker != NO_SPEAKER:
            by_speaker[speaker] += k
        by_actor[actor] += k
    speakers = top_keys(by_speaker, n_speakers)
    actors = top_keys(by_actor, n_actors)
    if not speakers or not actors:
        return None
    return _heatmap(speakers, actors, stats.sentiment, ("positive", "negative", "neutral"), None,
                    "sentiment-heatmap", ("−1 negative", "0", "+1 positive"))


def gold_f1(results: dict[str, dict]) -> str | None:
    """Grouped bars: F1 per subset at each overlap threshold, one group per gold set."""
    from pipeline.evaluate.metrics import SUBSETS, THRESHOLDS, threshold_key

    if not results:
        return None
    fig = go.Figure()
    for name, result in results.items():
        for threshold in THRESHOLDS:
            key = threshold_key(threshold)
            label = "exact" if threshold == "exact" else f"≥{threshold}"
            fig.add_bar(x=list(SUBSETS), y=[result["subsets"][s][key]["f1"] for s in SUBSETS],
                        name=plain(f"{name} F1 {label}" if len(results) > 1 else f"F1 {label}"),
                        hovertemplate="%{x}: %{y:.3f}<extra>" + label + "</extra>")
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 1]))
    return to_div(_layout(fig, "Quote spans against gold: F1 by overlap", 360), "chart-gold-f1")


def confusion(matrix: dict[str, Counter], labels: tuple[str, ...]) -> str | None:
    """Heatmap of gold (rows) x predicted (columns) stance labels."""
    if not any(matrix.values()):
        return None
    z = [[matrix.get(g, Counter())[p] for p in labels] for g in labels]
    fig = go.Figure(go.Heatmap(z=z, x=[f"pred {p}" for p in labels],
                               y=[f"gold {g}" for g in labels], text=z, texttemplate="%{text}",
                               colorscale="Blues", showscale=False, xgap=1, ygap=1,
                               hovertemplate="%{y}, %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return to_div(_layout(fig, "Stance against gold labels", 300), "chart-stance-confusion")
