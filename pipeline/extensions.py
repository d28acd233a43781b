"""Doc extension attributes, registered explicitly (never as an import side effect)."""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = {
    "original_text": None,  # the input text as given
    "offset_map": None,  # list[int]: normalised char -> original start index (len+1 items)
    "offset_ends": None,  # list[int]: normalised char -> original end index (exclusive)
    "actors": None,  # list[pipeline.types.Actor]
    "quotes": None,  # list[pipeline.types.Quote]
    "claims": None,  # list[pipeline.types.Claim]
    "stance_targets": None,  # list[str]: per-document targets (meta.targets), added to config ones
    "warnings": None,  # list[dict]: coded warnings for this document
}


def register_extensions() -> None:
    """Register the Doc extensions claimtrace uses; safe to call repeatedly."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
