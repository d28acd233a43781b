"""The annotation page of every document, for handing out work by page.

In doccano 1.8.4 ``/projects/N/sequence-labeling?page=K`` (``text-classification`` for a
stance project) opens the K-th example of the project in creation order (1-based: the page
asks the API for ``offset=K-1, limit=1``). K is a position, not an example id: a K past the
last example renders an empty annotation area with no message (the "blank page"), and so does
an example id used as K once ids and positions differ. The list below is read in the same
order the page uses, so its links are right; pushes update documents in place, so pages stay
put across re-pushes (new documents are added at the end).
"""

from __future__ import annotations

from pipeline.doccano.client import DoccanoAPI
from pipeline.errors import ClaimtraceError, Errors

ROUTES = {
    "SequenceLabeling": "sequence-labeling",
    "DocumentClassification": "text-classification",
}


def page_url(base: str, project: dict, page: int) -> str:
    """The annotation page of the ``page``-th example (1-based) of ``project``."""
    route = ROUTES.get(project.get("project_type"), "sequence-labeling")
    return f"{base}/projects/{project['id']}/{route}?page={page}"


def page_links(api: DoccanoAPI, name: str) -> list[dict]:
    """``page``, ``doc_id`` (or ``claim_id``/``target`` for stance), ``example_id``,
    ``confirmed`` and ``url`` of every example, in the order doccano pages them."""
    project = api.find_project(name)
    if project is None:
        raise ClaimtraceError(Errors.E308, name=name, url=api.url)
    rows = []
    for page, example in enumerate(api.examples(project["id"]), 1):
        meta = example.get("meta") or {}
        row = {
            "page": page,
            "doc_id": meta.get("doc_id"),
            "example_id": example["id"],
            "confirmed": example["is_confirmed"],
            "url": page_url(api.url, project, page),
        }
        for key in ("claim_id", "target"):
            if key in meta:
                row[key] = meta[key]
        rows.append(row)
    return rows
