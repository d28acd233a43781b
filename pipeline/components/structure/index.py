"""``claimtrace_index``: the per-document facts every later component needs, found once.

Stored on the Doc (serialisable): ``doc._.layout`` (paragraph per token, heading flag per
sentence) and ``doc.spans["quoted"]`` (every paired quote-mark span, scare quotes included).
:class:`DocIndex` is the read-only view the components use."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...docutils import is_heading, paragraph_of
from ...extensions import QUOTED, register_extensions
from .marks import QuotedSpan, count_words, find_quoted_spans


@Language.factory(
    "claimtrace_index",
    assigns=["doc._.layout", "doc.spans"],
    requires=["doc.sents"],
    default_config={},
)
def make_index(nlp: Language, name: str) -> "IndexBuilder":
    register_extensions()
    return IndexBuilder()


class IndexBuilder:
    """Writes the layout and the quote-mark pairs of each document."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.layout = {
            "paragraph": paragraph_of(doc),
            "heading": [is_heading(sent) for sent in doc.sents],
        }
        doc.spans[QUOTED] = [q.span for q in find_quoted_spans(doc)]
        return doc


class DocIndex:
    """Read-only view of the stored index: paragraph, sentence, heading and "inside quote
    marks" for every token. Build one per component call (cheap: no rule runs again)."""

    def __init__(self, doc: Doc) -> None:
        layout = doc._.layout
        if layout is None:
            raise ValueError("doc._.layout is not set: run the claimtrace_index component first")
        self.doc = doc
        self.paragraph: list[int] = layout["paragraph"]
        self.sents: list[Span] = list(doc.sents)
        self._heading: list[bool] = layout["heading"]
        self.sentence: list[int] = [0] * len(doc)
        for k, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sentence[i] = k
        self.quoted: list[QuotedSpan] = [
            QuotedSpan(span, count_words(span)) for span in doc.spans.get(QUOTED, [])
        ]
        self.in_marks: list[bool] = [False] * len(doc)
        for q in self.quoted:
            for i in range(q.span.start, q.span.end):
                self.in_marks[i] = True

    def is_heading_sentence(self, k: int) -> bool:
        """Whether sentence ``k`` is a heading."""
        return self._heading[k]

    def in_heading(self, i: int) -> bool:
        """Whether token ``i`` is in a heading."""
        return self._heading[self.sentence[i]]
