"""``claimtrace_quotes``: quotation candidates with their cues (``doc._.quote_candidates``).

Direct (quote marks), indirect (cue + reported clause, "according to", colon) and mixed (a
reported clause with an embedded partial quote); scare quotes, titles and terms are rejected
here. Attribution then gives each candidate a speaker and decides, once, which are quotes."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...docutils import is_line_break, next_token, trim
from ...extensions import register_extensions, write_candidates
from ...resources import parse_cue_lexicon, parse_word_list
from ...types import CueKind, Quote, QuoteType
from ..persist import ResourceComponent
from ..settings import fraction, resource, whole
from ..structure import DocIndex, QuotedSpan
from . import filters
from .content import according_to_content, noun_clause, reported_clause, whole_quotes
from .cues import OPEN_ENDINGS, CueMatcher, ending, is_inverted

# At most this many tokens between a quote and the next one its inverted cue leads into
# ('“A,” she said, clapping. “B.”').
MAX_CUE_GAP = 6

DEFAULTS = {
    "cue_verbs": "resources:cue_verbs.tsv",
    "derived_cues": "resources:cue_lexicon.tsv",
    "min_cue_precision": 0.25,
    "min_cue_count": 5,
    "according_to": "resources:according_to.txt",
    "cue_nouns": "resources:cue_nouns.txt",
    "title_cues": "resources:title_cues.txt",
    "min_words_uncued": 6,
    "min_words_cued": 3,
    "min_words_embedded": 5,
    "max_title_tokens": 12,
}


@Language.factory(
    "claimtrace_quotes",
    assigns=["doc._.quote_candidates"],
    requires=["token.dep", "token.lemma", "doc.sents", "doc._.layout"],
    default_config=DEFAULTS,
)
def make_quotes(
    nlp: Language,
    name: str,
    cue_verbs: str,
    derived_cues: str,
    min_cue_precision: float,
    min_cue_count: int,
    according_to: str,
    cue_nouns: str,
    title_cues: str,
    min_words_uncued: int,
    min_words_cued: int,
    min_words_embedded: int,
    max_title_tokens: int,
) -> "QuoteFinder":
    register_extensions()
    return QuoteFinder(
        cue_verbs=resource(name, "cue_verbs", cue_verbs),
        derived_cues=resource(name, "derived_cues", derived_cues, optional=True),
        according_to=resource(name, "according_to", according_to),
        cue_nouns=resource(name, "cue_nouns", cue_nouns, optional=True),
        title_cues=resource(name, "title_cues", title_cues),
        min_cue_precision=fraction(name, "min_cue_precision", min_cue_precision),
        min_cue_count=whole(name, "min_cue_count", min_cue_count),
        min_words_uncued=whole(name, "min_words_uncued", min_words_uncued),
        min_words_cued=whole(name, "min_words_cued", min_words_cued),
        min_words_embedded=whole(name, "min_words_embedded", min_words_embedded),
        max_title_tokens=whole(name, "max_title_tokens", max_title_tokens),
    )


class QuoteFinder(ResourceComponent):
    """Finds quotation candidates and their cues; see the module docstring. Reporting nouns
    (``cue_nouns``: "his claim that ...") are cues when a that-clause follows them.

    Settings: a quoted span with no cue is a quotation only with ``min_words_uncued`` words
    and a verb; one with a cue needs ``min_words_cued`` words (unless inverted: '“I would,”
    Melanie said'); a quoted span followed by a colon needs ``min_words_embedded`` (else it is
    a term introducing the quote after it); a span of at most ``max_title_tokens`` tokens after
    a title word ("the newspaper", "dubbed") is a title."""

    def __init__(self, cue_verbs: str = DEFAULTS["cue_verbs"],
                 derived_cues: str = DEFAULTS["derived_cues"],
                 according_to: str = DEFAULTS["according_to"],
                 cue_nouns: str = DEFAULTS["cue_nouns"],
                 title_cues: str = DEFAULTS["title_cues"],
                 min_cue_precision: float = 0.25, min_cue_count: int = 5,
                 min_words_uncued: int = 6, min_words_cued: int = 3,
                 min_words_embedded: int = 5, max_title_tokens: int = 12) -> None:
        self.min_cue_precision = min_cue_precision
        self.min_cue_count = min_cue_count
        self.min_words_uncued = min_words_uncued
        self.min_words_cued = min_words_cued
        self.min_words_embedded = min_words_embedded
        self.max_title_tokens = max_title_tokens
        self._read({"cue_verbs": cue_verbs, "derived_cues": derived_cues,
                    "according_to": according_to, "cue_nouns": cue_nouns,
                    "title_cues": title_cues})

    def _load(self) -> None:
        self.cues = parse_cue_lexicon(self.resources["cue_verbs"],
                                      self.resources.get("derived_cues"),
                                      self.min_cue_precision, self.min_cue_count)
        self.matcher = CueMatcher(self.cues, parse_word_list(self.resources["according_to"]),
                                  parse_word_list(self.resources.get("cue_nouns", "")))
        self.title_cues = parse_word_list(self.resources["title_cues"])

    def __call__(self, doc: Doc) -> Doc:
        index = DocIndex(doc)
        quotes: list[Quote] = []
        used_cues: set[int] = set()
        for q in index.quoted:
            quote = self._direct_or_mixed(q, index)
            if quote is not None:
                quotes.append(quote)
                if quote.cue is not None and quote.type == QuoteType.MIXED:
                    used_cues.add(quote.cue.start)
        covered = [False] * len(doc)
        for quote in quotes:
            for t in quote.content:
                covered[t.i] = True
        for quote in self._indirect(doc, index, used_cues):
            if not any(covered[t.i] for t in quote.content):
                quotes.append(quote)
                for t in quote.content:
                    covered[t.i] = True
        quotes.sort(key=lambda q: (q.content.start, q.content.end))
        write_candidates(doc, quotes)
        return doc

    # --- direct and mixed ---------------------------------------------------------------
    def _direct_or_mixed(self, q: QuotedSpan, index: DocIndex) -> Quote | None:
        span, doc = q.span, q.span.doc
        if filters.is_title(span, self.title_cues, self.max_title_tokens):
            return None
        nxt = next_token(doc, span.end)
        if nxt is not None and nxt.text == ":" and q.words < self.min_words_embedded:
            return None  # a term introduced before the quote it explains
        how: CueKind | None = None
        cue, clause = self.matcher.governing(span, index)
        if cue is not None:
            how = CueKind.SYNTAX
        else:
            cue, how = self.matcher.surface(span, index)
        if cue is None:
            cue = self.matcher.according_to_in_sentence(span)
            how = CueKind.ACCORDING_TO if cue is not None else None
        if cue is not None:
            return self._cued(q, cue, how, clause, index)
        starts_sentence = span.start == span.sent.start or doc[span.start - 1].is_space
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
        if q.words >= self.min_words_uncued and has_verb:
            return Quote(id="", content=span, type=QuoteType.DIRECT)
        if starts_sentence and has_verb and q.words >= self.min_words_cued:
            return Quote(id="", content=span, type=QuoteType.DIRECT)
        if q.words and self._after_inverted_cue(q, index):
            return Quote(id="", content=span, type=QuoteType.DIRECT)
        return None

    def _after_inverted_cue(self, q: QuotedSpan, index: DocIndex) -> bool:
        """'“Here comes Big Daddy,” she said. “The Donald.”': a quote that opens a sentence
        right after another quote's inverted cue goes on with its words, however short."""
        span, doc = q.span, q.span.doc
        before = [p for p in index.quoted if p.span.end <= span.start]
        if not before or ending(before[-1].span) not in OPEN_ENDINGS:
            return False
        between = doc[before[-1].span.end : span.start]
        if any(is_line_break(t) for t in between):
            return False
        gap = [t for t in between if not t.is_space]
        first = next((t for t in span if t.is_alpha), None)
        return (0 < len(gap) <= MAX_CUE_GAP and gap[-1].text in (".", ",")
                and any(self.matcher.is_cue(t) for t in gap)
                and first is not None and first.text[0].isupper())

    def _cued(self, q: QuotedSpan, cue: Span, how: CueKind, clause: Span | None,
              index: DocIndex) -> Quote | None:
        """A quoted span with a cue: direct, or mixed when the cue's clause adds words."""
        span, doc = q.span, q.span.doc
        if q.words < self.min_words_cued and not is_inverted(span, cue):
            return None  # '“I would,” Melanie said' is a quote however short
        if how == CueKind.SYNTAX:
            reported = reported_clause(cue[0], self.cues, index.in_marks)
            if reported is not None:
                reported = whole_quotes(reported, index.in_marks)
                if reported.start <= span.start and reported.end >= span.end:
                    clause = reported  # the content the cue's lexicon entry points at
        if clause is not None:
            clause = trim(clause, keep_quotes=True)
            extra = sum(1 for t in clause if (t.i < span.start or t.i >= span.end) and t.is_alpha)
            if extra >= 3 and clause.start <= span.start:
                content = doc[clause.start : max(clause.end, span.end)]
                return Quote(id="", content=content, type=QuoteType.MIXED, cue=cue, how=how)
        return Quote(id="", content=span, type=QuoteType.DIRECT, cue=cue, how=how)

    # --- indirect -----------------------------------------------------------------------
    def _indirect(self, doc: Doc, index: DocIndex, used_cues: set[int]):
        in_marks = index.in_marks
        for tok in doc:
            if in_marks[tok.i] or tok.i in used_cues:
                continue
            phrase = self.matcher.according_phrase(tok)
            if phrase is not None:
                quote = self._according_to(phrase, in_marks)
                if quote is not None:
                    yield quote
                continue
            if self.matcher.is_noun_cue(tok):
                quote = self._noun_cue(tok, in_marks)
                if quote is not None:
                    yield quote
                continue
            if (
                not self.matcher.is_cue(tok)
                or filters.has_non_agent_subject(tok)
                or filters.impersonal(tok)
            ):
                continue
            content = reported_clause(tok, self.cues, in_marks)
            if content is None or len(content) < 2 or not any(t.is_alpha for t in content):
                continue
            content = whole_quotes(content, in_marks)
            has_quote = any(in_marks[t.i] for t in content)
            if has_quote and (
                filters.only_a_term(content, in_marks, self.title_cues, self.min_words_cued)
                or filters.unsourced_label(tok, content, in_marks, self.min_words_cued)
            ):
                continue
            yield Quote(
                id="",
                content=content,
                type=QuoteType.MIXED if has_quote else QuoteType.INDIRECT,
                cue=doc[tok.i : tok.i + 1],
                how=CueKind.SYNTAX,
            )

    def _noun_cue(self, noun, in_marks: list[bool]) -> Quote | None:
        """'his claim that ...', 'the senator's warning that ...': the that-clause."""
        content = noun_clause(noun)
        if content is None or len(content) < 3:
            return None
        has_quote = any(in_marks[t.i] for t in content)
        if has_quote and filters.only_a_term(content, in_marks, self.title_cues,
                                             self.min_words_cued):
            return None
        return Quote(id="", content=content,
                     type=QuoteType.MIXED if has_quote else QuoteType.INDIRECT,
                     cue=noun.doc[noun.i : noun.i + 1], how=CueKind.NOUN)

    @staticmethod
    def _according_to(phrase: Span, in_marks: list[bool]) -> Quote | None:
        content = according_to_content(phrase)
        if content is None:
            return None
        has_quote = any(in_marks[t.i] for t in content)
        if has_quote and all(in_marks[t.i] for t in content):
            return None  # the direct-quote pass owns it
        return Quote(
            id="",
            content=content,
            type=QuoteType.MIXED if has_quote else QuoteType.INDIRECT,
            cue=phrase,
            how=CueKind.ACCORDING_TO,
        )
