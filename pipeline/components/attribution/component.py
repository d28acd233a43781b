"""``claimtrace_attribution``: a speaker for every quotation candidate that has one, resolved
to a canonical actor; writes the document's quotes (``doc.spans["quotes"]``, ``"cues"``,
``"speakers"``, ``doc._.quote_continues``).

Order of evidence: the cue's subject (normal or inverted), "according to X", the introducer
of a colon-led paragraph, then continuation of the previous quote's speaker. This is the one
stage that decides which candidates are quotes: reported speech that nobody reports ("what was
described as ...") is dropped; a direct quote stays even without a speaker."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import (
    read_candidate_hints,
    read_candidates,
    register_extensions,
    write_quotes,
)
from ...resources import parse_gendered_names, parse_json, parse_word_list
from ...types import Quote, QuoteType, Resolution, Speaker
from ..actors.registry import ActorRegistry
from ..persist import ResourceComponent
from ..settings import flag, resource, whole
from ..structure import DocIndex
from .mentions import Found, find_mention
from .resolve import Lexicon, Resolver

DEFAULTS = {
    "pronouns": "resources:pronouns.json",
    "person_nouns": "resources:person_nouns.json",
    "titles": "resources:titles.txt",
    "first_names": "resources:first_names.tsv",
    "max_continuation_sentences": 4,
    "prefer_tagged_source": True,
}


@Language.factory(
    "claimtrace_attribution",
    assigns=["doc._.quotes", "doc._.quote_continues", "doc._.actors", "doc._.actor_table",
             "doc.spans"],
    requires=["doc._.quote_candidates", "doc._.actors", "doc._.layout", "token.dep"],
    default_config=DEFAULTS,
)
def make_attribution(
    nlp: Language, name: str, pronouns: str, person_nouns: str, titles: str, first_names: str,
    max_continuation_sentences: int, prefer_tagged_source: bool,
) -> "Attributor":
    register_extensions()
    return Attributor(
        pronouns=resource(name, "pronouns", pronouns),
        person_nouns=resource(name, "person_nouns", person_nouns),
        titles=resource(name, "titles", titles),
        first_names=resource(name, "first_names", first_names, optional=True),
        max_continuation_sentences=whole(name, "max_continuation_sentences",
                                         max_continuation_sentences),
        prefer_tagged_source=flag(name, "prefer_tagged_source", prefer_tagged_source),
    )


class Attributor(ResourceComponent):
    """Gives candidates speakers and writes the final quotes; keeps no per-document state.

    ``max_continuation_sentences``: a quote without a cue continues the previous speaker only
    if it starts at most this many sentences after the previous quote ends.
    ``prefer_tagged_source``: where the span tagger tagged a source for a candidate's cue and
    the rules name someone else, the tagged source wins (else it only fills in when the rules
    find no one)."""

    def __init__(self, pronouns: str = DEFAULTS["pronouns"],
                 person_nouns: str = DEFAULTS["person_nouns"], titles: str = DEFAULTS["titles"],
                 first_names: str = DEFAULTS["first_names"],
                 max_continuation_sentences: int = 4, prefer_tagged_source: bool = True) -> None:
        self.max_gap = max_continuation_sentences
        self.prefer_tagged_source = prefer_tagged_source
        self._read({"pronouns": pronouns, "person_nouns": person_nouns, "titles": titles,
                    "first_names": first_names})

    def _load(self) -> None:
        self.lexicon = Lexicon.from_json(
            parse_json(self.resources["pronouns"], "pronouns"),
            parse_json(self.resources["person_nouns"], "person_nouns"),
            parse_gendered_names(self.resources.get("first_names", "")))
        self.titles = parse_word_list(self.resources["titles"])

    def __call__(self, doc: Doc) -> Doc:
        index = DocIndex(doc)
        candidates = read_candidates(doc)
        hints = read_candidate_hints(doc)
        in_direct = [False] * len(doc)  # inside a direct quotation's content
        for q in candidates:
            if q.type == QuoteType.DIRECT:
                for i in range(q.content.start, q.content.end):
                    in_direct[i] = True
        registry = ActorRegistry.from_doc(doc, self.titles)
        resolver = Resolver(self.lexicon, registry, index, in_direct)
        attributed: list[tuple[Quote, Speaker | None, str | None]] = []
        previous: tuple[Quote, Speaker, int] | None = None
        for k, quote in enumerate(candidates):
            source, group = hints[k]
            if group is not None and k and hints[k - 1][1] == group and attributed[k - 1][1]:
                # a fragment of the same tagged attribution: same speaker, one attribution
                head, speaker = attributed[k - 1][2], attributed[k - 1][1]
                attributed.append((quote, speaker, k - 1 if head is None else head))
                previous = (quote, speaker, k)
                continue
            speaker = self._speaker(quote, previous, resolver, index, source)
            continues = self._continues(quote, speaker, previous, attributed, index)
            attributed.append((quote, speaker, continues))
            if speaker is not None:
                previous = (quote, speaker, k)
        self._write(doc, attributed)
        registry.write()
        return doc

    def _speaker(self, quote: Quote, previous, resolver: Resolver, index: DocIndex,
                 source: Span | None = None) -> Speaker | None:
        found = find_mention(quote, resolver.in_direct)
        if source is not None and (found is None or (self.prefer_tagged_source and not (
                found.mention.start < source.end and source.start < found.mention.end))):
            found = Found(source, Resolution.CUE_SUBJECT)  # the span tagger's source
        if found is None:
            return self._continuation(quote, previous, index)
        if found.antecedent is not None:
            resolver.antecedents[found.mention.start] = found.antecedent
        return resolver.resolve(found.mention, found.resolution)

    def _continuation(self, quote: Quote, previous, index: DocIndex) -> Speaker | None:
        """A quote with no cue (or no speaker at its cue) continues the previous speaker, if
        it is close and no heading lies between them."""
        if previous is None:
            return None
        prev_quote, prev_speaker, _ = previous
        if prev_quote.type == QuoteType.INDIRECT and not _same_paragraph(prev_quote, quote, index):
            return None  # after reported speech, a bare quote continues it only in its paragraph
        first = index.sentence[max(prev_quote.content.end - 1, 0)]
        last = index.sentence[quote.content.start]
        if last - first > self.max_gap:
            return None
        if any(index.is_heading_sentence(k) for k in range(first + 1, last)):
            return None
        return Speaker(prev_speaker.mention, prev_speaker.actor_id, Resolution.CONTINUATION)

    @staticmethod
    def _continues(quote: Quote, speaker: Speaker | None, previous, attributed,
                   index: DocIndex) -> int | None:
        """Index (into ``attributed``) of the quote this one continues: a direct quote in the
        previous speaker's paragraph, continuing that speaker or sharing its cue."""
        if previous is None or speaker is None or quote.type != QuoteType.DIRECT:
            return None
        prev_quote, _, k = previous
        if prev_quote.type == QuoteType.INDIRECT or not _same_paragraph(prev_quote, quote, index):
            return None
        same_cue = (quote.cue is not None and prev_quote.cue is not None
                    and quote.cue.start == prev_quote.cue.start)
        if speaker.resolution != Resolution.CONTINUATION and not same_cue:
            return None
        head = attributed[k][2]
        return k if head is None else head

    @staticmethod
    def _write(doc: Doc, attributed) -> None:
        """Number the quotes that stay (attributed, or direct) and store them."""
        ids: dict[int, str] = {}
        for k, (quote, speaker, _) in enumerate(attributed):
            if speaker is not None or quote.type == QuoteType.DIRECT:
                ids[k] = f"Q{len(ids) + 1}"
        quotes = [
            Quote(id=ids[k], content=quote.content, type=quote.type, cue=quote.cue,
                  speaker=speaker, how=quote.how,
                  continues=None if continues is None else ids.get(continues))
            for k, (quote, speaker, continues) in enumerate(attributed) if k in ids
        ]
        write_quotes(doc, quotes)


def _same_paragraph(before: Quote, after: Quote, index: DocIndex) -> bool:
    """No paragraph break between the end of ``before`` and the start of ``after``."""
    return index.paragraph[before.content.end - 1] == index.paragraph[after.content.start]
