"""Quotes: quotation candidates and their cues.

``component`` (the spaCy component and its settings), ``cues`` (finding the cue), ``content``
(what a cue reports), ``filters`` (scare quotes, titles, terms, impersonal cues); quote-mark
pairing is document structure (``pipeline.components.structure.marks``)."""

from ..structure.marks import QuotedSpan, find_quoted_spans
from .component import QuoteFinder, make_quotes

__all__ = ["QuoteFinder", "QuotedSpan", "find_quoted_spans", "make_quotes"]
