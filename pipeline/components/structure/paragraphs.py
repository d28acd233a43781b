"""``claimtrace_paragraphs``: paragraph breaks are hard sentence boundaries, set before the
parser runs."""

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from ...docutils import is_line_break


@Language.factory("claimtrace_paragraphs", assigns=["token.is_sent_start"], default_config={})
def make_paragraphs(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return paragraph_boundaries


def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence at the first non-space token after a line break. Other boundaries are
    left to the parser, which respects the ones set here."""
    after_break = False
    for i, token in enumerate(doc):
        if token.is_space:
            after_break = after_break or is_line_break(token)
            continue
        if after_break and i > 0:
            token.is_sent_start = True
        after_break = False
    return doc
