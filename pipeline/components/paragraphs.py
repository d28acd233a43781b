"""Paragraph breaks are hard sentence boundaries: set them before the parser runs."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claimtrace_paragraphs", assigns=["token.is_sent_start"])
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence at the first non-space token after a line break. Other boundaries are
    left to the parser, which respects the ones set here."""
    after_break = False
    for i, token in enumerate(doc):
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and i > 0:
            token.is_sent_start = True
        after_break = False
    return doc
