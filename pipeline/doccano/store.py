"""The ``NAME.store`` bookkeeping project: per document, the machine record as pushed and the
links from doccano span ids to machine keys.

Annotators are never members of it, so none of this shows in their metadata panel. One example
per document (text = doc id, the rest in ``meta.store``), written by bulk import; duplicates
left by an interrupted push are resolved in favour of the entry that points at the live
annotation example.
"""

from __future__ import annotations

from pipeline.doccano.client import DoccanoAPI


def read_store(api: DoccanoAPI, store_id: int, live_ids: set[int] | None = None) -> dict[str, dict]:
    """Store examples by doc id; with ``live_ids``, extra copies are deleted (the one pointing
    at a live annotation example, else the newest, is kept)."""
    groups: dict[str, list[dict]] = {}
    for example in api.examples(store_id):
        doc_id = (example.get("meta") or {}).get("doc_id")
        if doc_id is not None:
            groups.setdefault(doc_id, []).append(example)
    keep, extra = {}, []
    for doc_id, examples in groups.items():
        examples.sort(
            key=lambda e: (
                (e["meta"].get("store") or {}).get("example_id") not in (live_ids or set()),
                -e["id"],
            )
        )
        keep[doc_id] = examples[0]
        extra += [e["id"] for e in examples[1:]]
    if extra and live_ids is not None:
        api.delete_examples(store_id, extra)
    return keep


def is_linked(entry: dict | None, example: dict) -> bool:
    """True when ``entry`` describes exactly this annotation example as pushed."""
    if entry is None:
        return False
    store = entry["meta"].get("store") or {}
    return (store.get("example_id"), store.get("claimtrace_hash")) == (
        example["id"],
        example["meta"].get("claimtrace_hash"),
    )
