"""Document structure, found once per document: paragraphs (hard sentence starts before the
parser), then headings and quote-mark pairs (the ``claimtrace_index`` component, after it).
Every later component reads these through :class:`DocIndex`."""

from .index import DocIndex, make_index
from .marks import QuotedSpan, find_quoted_spans
from .paragraphs import make_paragraphs, paragraph_boundaries

__all__ = ["DocIndex", "QuotedSpan", "find_quoted_spans", "make_index", "make_paragraphs",
           "paragraph_boundaries"]
