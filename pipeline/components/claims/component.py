"""``claimtrace_claims``: the attributed propositions (``doc.spans["claims"]``). A direct
quote gives one claim per sentence of quoted content; an indirect or mixed quote gives one
claim for its reported clause."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...docutils import trim
from ...extensions import register_extensions, write_claims
from ...types import Claim, Quote, QuoteType
from ..settings import whole


@Language.factory(
    "claimtrace_claims",
    assigns=["doc._.claims", "doc.spans"],
    requires=["doc._.quotes", "doc.sents"],
    default_config={"min_words": 3},
)
def make_claims(nlp: Language, name: str, min_words: int) -> "ClaimBuilder":
    register_extensions()
    return ClaimBuilder(whole(name, "min_words", min_words))


class ClaimBuilder:
    """Builds the claims of attributed quotes (quotes with a speaker).

    ``min_words``: a sentence of a direct quote with fewer words joins the one before it."""

    def __init__(self, min_words: int = 3) -> None:
        self.min_words = min_words

    def __call__(self, doc: Doc) -> Doc:
        claims: list[Claim] = []
        for quote in doc._.quotes or []:
            if quote.speaker is None:
                continue
            for span in self.propositions(quote):
                claims.append(Claim(id=f"C{len(claims) + 1}", span=span, quote_id=quote.id,
                                    type=quote.type))
        write_claims(doc, claims)
        return doc

    def propositions(self, quote: Quote) -> list[Span]:
        """The claim spans of one quote."""
        content = quote.content
        if quote.type != QuoteType.DIRECT:
            return [content]
        pieces: list[Span] = []
        for sent in content.sents:
            piece = trim(content.doc[max(sent.start, content.start) : min(sent.end, content.end)])
            if not len(piece):
                continue
            words = sum(1 for t in piece if t.is_alpha)
            if pieces and words < self.min_words:
                last = pieces.pop()
                piece = content.doc[last.start : piece.end]
            pieces.append(piece)
        return pieces or [content]
