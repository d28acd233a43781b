"""Create or reuse the two doccano projects of one annotation batch and their label types.

``NAME`` is a SequenceLabeling project with relations, overlapping spans and collaborative
annotation (annotators see the pre-annotations); ``NAME.stance`` is its companion single-label
DocumentClassification project with one example per claim and stance target; ``NAME.store``
holds, per document, the machine record and the span-id links (hidden from annotators: they
are never made members of it, and it keeps the annotators' metadata panel short).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.mapping import RELATION_TYPES, SPAN_LABELS, STANCE_LABELS
from pipeline.errors import ClaimtraceError, Errors

STANCE_SUFFIX = ".stance"
STORE_SUFFIX = ".store"
GUIDE = "See docs/annotation-guide.md in the claimtrace repository."


@dataclass(frozen=True)
class Projects:
    """Ids and label-type ids of a batch's span project and stance project."""

    spans_id: int
    stance_id: int
    store_id: int
    span_types: dict[str, int]
    relation_types: dict[str, int]
    category_types: dict[str, int]


def stance_project_name(name: str) -> str:
    return f"{name}{STANCE_SUFFIX}"


def store_project_name(name: str) -> str:
    return f"{name}{STORE_SUFFIX}"


def _mode(collaborative: bool) -> str:
    return "collaborative" if collaborative else "independent (agreement)"


def _ensure_project(
    api: DoccanoAPI, name: str, payload: dict, collaborative: bool | None = True
) -> int:
    """The project's id, creating it if missing; E316 when it exists in the other mode
    (``collaborative=None``: either mode, for the bookkeeping project)."""
    found = api.find_project(name)
    if found:
        actual = found.get("collaborative_annotation")
        if collaborative is not None and actual is not None and actual != collaborative:
            raise ClaimtraceError(
                Errors.E316, name=name, actual=_mode(actual), wanted=_mode(collaborative)
            )
        return found["id"]
    return api.post(
        "projects",
        {
            "name": name,
            "guideline": GUIDE,
            "random_order": False,
            "collaborative_annotation": True if collaborative is None else collaborative,
            **payload,
        },
    )["id"]


def _ensure_types(api: DoccanoAPI, project_id: int, kind: str, wanted: dict) -> dict[str, int]:
    existing = api.label_types(project_id, kind)
    for text, spec in wanted.items():
        if text not in existing:
            color, key = spec if isinstance(spec, tuple) else (spec, None)
            existing[text] = api.create_label_type(project_id, kind, text, color, key)
    return existing


def ensure_projects(api: DoccanoAPI, name: str, collaborative: bool = True) -> Projects:
    """Create the span, stance and store projects and their label types unless they exist.

    ``collaborative=False`` makes an *independent* batch for agreement rounds: each annotator
    labels their own copy blind (the pre-annotations are the pushing account's copy, which
    annotators do not see), and `claimtrace doccano agreement` compares the copies."""
    spans_id = _ensure_project(
        api,
        name,
        {
            "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject",
            "description": "claimtrace pre-annotations: actors, quotes, cues, claims",
            "allow_overlapping": True,
            "use_relation": True,
            "grapheme_mode": False,
        },
        collaborative,
    )
    stance_id = _ensure_project(
        api,
        stance_project_name(name),
        {
            "project_type": "DocumentClassification",
            "resourcetype": "TextClassificationProject",
            "description": f"Stance of each claim in {name!r} toward each target",
            "single_class_classification": True,
        },
        collaborative,
    )
    store_id = _ensure_project(
        api,
        store_project_name(name),
        {
            "project_type": "DocumentClassification",
            "resourcetype": "TextClassificationProject",
            "description": f"claimtrace bookkeeping for {name!r}: machine records, span links. "
            "Do not annotate or share.",
        },
        None,
    )
    return Projects(
        spans_id,
        stance_id,
        store_id,
        _ensure_types(api, spans_id, "span", SPAN_LABELS),
        _ensure_types(api, spans_id, "relation", RELATION_TYPES),
        _ensure_types(api, stance_id, "category", STANCE_LABELS),
    )
