"""`claimtrace show`: pick articles from an annotated file and render them as one HTML page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ClaimtraceError, Errors
from pipeline.report.article import ArticleView, build_article
from pipeline.report.records import Line, iter_lines
from pipeline.report.render import render


@dataclass
class Selection:
    """The chosen article records, in the order asked for, and what to warn about."""

    lines: list[Line]
    warnings: list[str] = field(default_factory=list)


def _examples(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f" (and {len(ids) - limit} more)" if len(ids) > limit else "")


def _id_filter(wanted: list[str], head: int = 10):
    """With ``--doc``, parse only the first lines (for the ids an error message lists) and lines
    that hold one of the wanted ids as a JSON string: a big file is searched, not parsed."""
    if not wanted:
        return None
    # The id as written raw, ASCII-escaped or escaped (quotes, backslashes); a number id
    # (``"id": 12``) is matched by its raw digits. False hits are just parsed.
    needles = {form for i in wanted
               for form in (i, json.dumps(i)[1:-1], json.dumps(i, ensure_ascii=False)[1:-1])}
    return lambda number, text: number <= head or any(n in text for n in needles)


def select_articles(path: Path, doc_ids: list[str], max_docs: int) -> Selection:
    """The records to show: those named by ``doc_ids`` (first occurrence of each id), or every
    article when there are at most ``max_docs``. Reads the file once, streaming."""
    wanted = list(dict.fromkeys(doc_ids))
    found: dict[str, Line] = {}
    first_line: dict[str, int] = {}
    articles: list[Line] = []
    all_ids: list[str] = []
    warnings: list[str] = []
    n_articles = 0
    for line in iter_lines(path, _id_filter(wanted)):
        doc_id = line.id
        if doc_id in first_line:
            if not wanted or doc_id in wanted:
                warnings.append(str(ClaimtraceError(Errors.E611, line=line.number,
                                                    path=str(path), id=doc_id,
                                                    first=first_line[doc_id])))
            continue
        first_line[doc_id] = line.number
        if len(all_ids) < 10:
            all_ids.append(doc_id)
        if wanted:
            if doc_id in wanted:
                found[doc_id] = line
        elif not line.is_error:
            n_articles += 1
            if len(articles) < max_docs:
                articles.append(line)
    if not first_line:
        raise ClaimtraceError(Errors.E604, path=str(path), detail="the file is empty")
    if wanted:
        for doc_id in wanted:
            if doc_id not in found:
                raise ClaimtraceError(Errors.E605, id=doc_id, path=str(path),
                                      known=_examples(all_ids))
            record = found[doc_id].record
            if found[doc_id].is_error:
                error = record.get("error") or {}
                raise ClaimtraceError(Errors.E606, id=doc_id, path=str(path),
                                      code=error.get("code", "?"),
                                      message=error.get("message", ""))
        return Selection([found[d] for d in wanted], warnings)
    if not articles:
        raise ClaimtraceError(Errors.E604, path=str(path), detail="only error records")
    if n_articles > max_docs:
        raise ClaimtraceError(Errors.E607, path=str(path), count=n_articles, limit=max_docs,
                              first=articles[0].id)
    return Selection(articles, warnings)


def build_views(selection: Selection) -> list[ArticleView]:
    """One view per chosen record; DOM ids are prefixed per article so several fit one page."""
    return [build_article(line.record, dom=f"d{index}")
            for index, line in enumerate(selection.lines)]


def show_html(path: Path, views: list[ArticleView]) -> str:
    """The whole page for ``views`` (articles read from ``path``)."""
    title = views[0].id if len(views) == 1 else f"{len(views)} articles from {path.name}"
    return render("show.html.j2", articles=views, title=title, source_name=path.name)
