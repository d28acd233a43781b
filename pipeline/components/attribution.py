"""Attribution: a speaker for every quote that has one, resolved to a canonical actor.

Order of evidence: the cue's subject (normal or inverted), "according to X", the introducer
of a colon-led paragraph, then continuation of the previous quote's speaker. Pronouns go to the
most recent compatible actor outside quoted text; nominals ("the academic") to the most recent
person whose role matches. Headings are never speakers or antecedents."""

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..docutils import is_heading, noun_phrase
from ..extensions import register_extensions
from ..resources import load_json
from ..types import Actor, Quote, Speaker
from .actors import ActorRegistry

SUBJ_DEPS = ("nsubj", "csubj", "expl")
RELATIVE = {"who", "which", "that", "whom"}
NON_SPEAKER_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}


@Language.factory(
    "claimtrace_attribution",
    assigns=["doc._.quotes", "doc.spans"],
    requires=["doc._.quotes", "doc._.actors"],
    default_config={
        "pronouns": "resources:pronouns.json",
        "person_nouns": "resources:person_nouns.json",
        "max_continuation_sentences": 4,
    },
)
def make_attribution(
    nlp: Language, name: str, pronouns: str, person_nouns: str, max_continuation_sentences: int
) -> "Attributor":
    register_extensions()
    return Attributor(load_json(pronouns), load_json(person_nouns), max_continuation_sentences)


class Attributor:
    """Fills ``Quote.speaker`` for each quote in ``doc._.quotes``."""

    def __init__(self, pronouns: dict, person_nouns: dict, max_continuation_sentences: int) -> None:
        self.pronouns: dict[str, list[str]] = pronouns["types"]
        self.pronoun_gender: dict[str, str] = pronouns["gender"]
        self.gender_words = {w: g for g, words in pronouns["gender_words"].items() for w in words}
        self.nominals: dict[str, list[str]] = person_nouns["nominals"]
        self.person_nouns = frozenset(person_nouns["person"])
        self.org_nouns = frozenset(person_nouns["organisation"])
        self.max_gap = max_continuation_sentences

    def __call__(self, doc: Doc) -> Doc:
        registry: ActorRegistry = doc.user_data.get("claimtrace_actor_registry") or ActorRegistry(
            doc, frozenset()
        )
        quotes: list[Quote] = doc._.quotes or []
        in_quote = [False] * len(doc)
        for q in quotes:
            if q.type == "direct":
                for t in q.content:
                    in_quote[t.i] = True
        sents = list(doc.sents)
        sent_index = {s.start: k for k, s in enumerate(sents)}
        self._heading = [is_heading(s) for s in sents]
        self._sent_of = [0] * len(doc)
        for s in doc.sents:
            for t in s:
                self._sent_of[t.i] = sent_index[s.start]
        self._gender = self._known_genders(registry)
        self._antecedents: dict[int, Span] = {}
        previous: Quote | None = None
        for quote in quotes:
            quote.speaker = self._attribute(quote, previous, registry, in_quote)
            if (
                previous is not None
                and quote.speaker is not None
                and quote.type == "direct"
                and previous.type != "indirect"
                and "\n" not in doc.text[previous.content.end_char : quote.content.start_char]
                and (
                    quote.speaker.resolution == "continuation"
                    or (
                        quote.cue is not None
                        and previous.cue is not None
                        and quote.cue.start == previous.cue.start
                    )
                )
            ):
                quote.continues = previous.continues or previous.id
            if quote.speaker is not None:
                previous = quote
        # reported speech with nobody reporting it ("what was described as ...") is no quote
        kept = [q for q in quotes if q.speaker is not None or q.type == "direct"]
        if len(kept) != len(quotes):
            renumber = {q.id: f"Q{k}" for k, q in enumerate(kept, 1)}
            for q in kept:
                q.id = renumber[q.id]
                q.continues = renumber.get(q.continues) if q.continues else None
            doc._.quotes = quotes = kept
            doc.spans["quotes"] = [q.content for q in quotes]
            doc.spans["cues"] = [q.cue for q in quotes if q.cue is not None]
        doc._.actors = registry.actors
        doc.spans["actor_mentions"] = [m for a in registry.actors for m in a.mentions]
        doc.spans["speakers"] = [
            q.speaker.mention
            for q in quotes
            if q.speaker is not None and q.speaker.mention is not None
        ]
        return doc

    # --- finding the mention --------------------------------------------------------------
    def _attribute(
        self, quote: Quote, previous: Quote | None, registry: ActorRegistry, in_quote: list[bool]
    ) -> Speaker | None:
        doc = quote.content.doc
        cue = quote.cue
        if cue is None:
            return self._continuation(quote, previous)
        mention, resolution = None, "cue_subject"
        if quote.how == "according_to":
            mention, resolution = self._according_to_source(cue), "according_to"
        elif quote.how == "dash":
            name = next(t for t in doc[cue.end :] if not t.is_space)
            mention, resolution = noun_phrase(name), "inverted_subject"
        elif cue[0].text == ":":
            head = cue[0].head if not in_quote[cue[0].head.i] else cue[0].sent.root
            mention = self._subject(head, in_quote)
            resolution = "colon_introducer"
        else:
            mention = self._subject(cue[0], in_quote)
            if quote.how == "colon_paragraph":
                resolution = "colon_introducer"
            elif (
                mention is not None and mention.start > cue.start and quote.content.end <= cue.start
            ):
                resolution = "inverted_subject"
        if mention is None:
            mention = self._surface_subject(cue, quote, in_quote)
            if mention is not None and mention.start > cue.start:
                resolution = "inverted_subject"
        if mention is None:
            return self._continuation(quote, previous)
        return self._resolve(mention, resolution, quote, registry, in_quote)

    def _subject(self, verb: Token, in_quote: list[bool]) -> Span | None:
        """The subject noun phrase of a cue, climbing through conjunctions and relatives."""
        node, steps = verb, 0
        while steps < 3:
            passive = any(c.dep_ == "auxpass" for c in node.children)
            for child in node.children:
                if passive and child.dep_ in SUBJ_DEPS:
                    continue  # "it could be seen as …": the subject is what is seen
                if (
                    child.dep_ in SUBJ_DEPS
                    and not in_quote[child.i]
                    and child.dep_ != "expl"
                    and child.ent_type_ not in NON_SPEAKER_ENTS
                ):
                    if child.lower_ in RELATIVE and node.dep_ == "relcl":
                        # "McConnell, who said ...": the mention is "who", the actor its head
                        self._antecedents[child.i] = noun_phrase(node.head)
                        return child.doc[child.i : child.i + 1]
                    return noun_phrase(child)
                if child.dep_ == "agent":
                    objs = [g for g in child.children if g.dep_ == "pobj"]
                    if objs:
                        return noun_phrase(objs[0])
            if node.dep_ in ("acl",) and node.head.pos_ in ("NOUN", "PROPN"):
                return noun_phrase(node.head)
            if node.dep_ in ("conj", "xcomp", "advcl") and node.head != node:
                node, steps = node.head, steps + 1
                continue
            break
        return None

    def _surface_subject(self, cue: Span, quote: Quote, in_quote: list[bool]) -> Span | None:
        """When the parse is broken (cue tagged as a noun): the noun phrase right after an
        inverted cue, else the first name or noun phrase of the clause before the cue."""
        doc = cue.doc

        def speaker_like(tok: Token) -> bool:
            return (
                tok.pos_ in ("PROPN", "NOUN", "PRON")
                and not in_quote[tok.i]
                and tok.ent_type_ not in NON_SPEAKER_ENTS
            )

        if quote.content.end <= cue.start:  # “…,” X said  /  “…,” said X
            between = [t for t in doc[quote.content.end : cue.start] if speaker_like(t)]
            if between:
                return _expand_np(between[-1])
        opens_clause = all(t.is_punct or t.is_space for t in doc[cue.sent.start : cue.start])
        if quote.content.end <= cue.start or (
            opens_clause and cue.end < len(doc) and doc[cue.end].pos_ == "PROPN"
        ):  # "Said Ellis: …" -- but not "calling Alwaleed “dopey”"
            for tok in doc[cue.end : min(cue.end + 4, cue.sent.end)]:
                if speaker_like(tok):
                    return _expand_np(tok)
        sent = cue.sent
        for tok in doc[sent.start : cue.start]:
            if (
                in_quote[tok.i]
                or tok.is_space
                or tok.head.dep_ == "prep"
                or tok.dep_ == "pobj"
                or tok.ent_type_ in NON_SPEAKER_ENTS
            ):
                continue
            if tok.pos_ in ("PROPN", "PRON") or (
                tok.pos_ == "NOUN" and tok.dep_.startswith("nsubj")
            ):
                return _expand_np(tok)
        return None

    def _according_to_source(self, cue: Span) -> Span | None:
        objs = [t for t in cue[-1].children if t.dep_ == "pobj"]
        if objs:
            return noun_phrase(objs[0])
        nxt = cue.end
        doc = cue.doc
        return (
            _expand_np(doc[nxt])
            if nxt < len(doc) and doc[nxt].pos_ in ("PROPN", "NOUN", "PRON")
            else None
        )

    def _continuation(self, quote: Quote, previous: Quote | None) -> Speaker | None:
        """A quote with no cue continues the previous direct or mixed quote's speaker, if it
        is close and no heading lies between them."""
        if previous is None or previous.speaker is None:
            return None
        doc = quote.content.doc
        if (
            previous.type == "indirect"
            and "\n" in doc.text[previous.content.end_char : quote.content.start_char]
        ):
            return None  # after reported speech, a bare quote continues it only in its paragraph
        first = self._sent_of[max(previous.content.end - 1, 0)]
        gap = self._sent_of[quote.content.start] - first
        if gap > self.max_gap:
            return None
        if any(self._heading[k] for k in range(first + 1, self._sent_of[quote.content.start])):
            return None
        prev = previous.speaker
        return Speaker(mention=prev.mention, actor_id=prev.actor_id, resolution="continuation")

    # --- resolving the mention to an actor -----------------------------------------------
    def _resolve(
        self,
        mention: Span,
        resolution: str,
        quote: Quote,
        registry: ActorRegistry,
        in_quote: list[bool],
    ) -> Speaker:
        antecedent = self._antecedents.get(mention.start) if len(mention) == 1 else None
        if antecedent is not None:
            resolved = self._resolve(antecedent, resolution, quote, registry, in_quote)
            return Speaker(mention, resolved.actor_id, resolved.resolution)
        actor = _actor_covering(mention, registry.actors)
        if actor is not None:
            return Speaker(mention, actor.id, resolution)
        head = mention.root
        if len(mention) == 1 and head.lower_ in self.pronouns:
            actor = self._antecedent(mention, self.pronouns[head.lower_], registry, in_quote)
            if actor is not None:
                gender = self.pronoun_gender.get(head.lower_)
                if gender:
                    self._gender.setdefault(actor.id, gender)
                actor.mentions.append(
                    Span(mention.doc, mention.start, mention.end, label="pronoun")
                )
                return Speaker(mention, actor.id, "pronoun")
            return Speaker(mention, None, "unresolved")
        lemma = head.lemma_.lower()
        if head.tag_ in ("NN", "NNP") and head.is_lower and _is_definite(mention):
            actor = self._nominal_antecedent(
                mention, self.nominals.get(lemma, []) + [lemma], registry, in_quote
            )
            if actor is not None:
                actor.mentions.append(
                    Span(mention.doc, mention.start, mention.end, label="nominal")
                )
                return Speaker(mention, actor.id, "nominal")
        actor = registry.add(
            mention, self._type_of(mention), kind="nominal" if head.pos_ != "PROPN" else "name"
        )
        return Speaker(mention, actor.id, resolution)

    def _type_of(self, mention: Span) -> str:
        head = mention.root
        lemma = head.lemma_.lower()
        plural = head.tag_ in ("NNS", "NNPS")
        if lemma in self.person_nouns or head.lower_ in self.person_nouns:
            return "GROUP" if plural else "PERSON"
        if lemma in self.org_nouns:
            return "ORG"
        if head.pos_ == "PROPN" and all(
            t.is_title or not t.is_alpha for t in mention if t.dep_ != "det"
        ):
            return "PERSON" if len(mention) <= 3 and mention[0].dep_ != "det" else "ORG"
        return "GROUP" if plural else "ORG"

    def _candidates(self, before: int, registry: ActorRegistry, in_quote: list[bool]):
        """(position, actor) for every mention before ``before`` that could be an antecedent."""
        out = []
        for actor in registry.actors:
            for m in actor.mentions:
                if m.start >= before or in_quote[m.start] or self._heading[self._sent_of[m.start]]:
                    continue
                out.append((m.start, actor))
        out.sort(key=lambda x: x[0], reverse=True)
        return out

    def _antecedent(
        self, mention: Span, types: list[str], registry: ActorRegistry, in_quote: list[bool]
    ) -> Actor | None:
        plural = mention.root.lower_ in ("they", "them", "we")
        gender = self.pronoun_gender.get(mention.root.lower_)
        for _, actor in self._candidates(mention.start, registry, in_quote):
            if actor.type not in types:
                continue
            if plural and actor.type == "PERSON":
                continue
            if gender and self._gender.get(actor.id, gender) != gender:
                continue
            return actor
        return None

    def _known_genders(self, registry: ActorRegistry) -> dict[str, str]:
        """Genders that titles and role words reveal ("Mrs. Clinton", "spokeswoman")."""
        out: dict[str, str] = {}
        for actor in registry.actors:
            for span in actor.roles + [m for m in actor.mentions if m.label_ == "name"]:
                for tok in span:
                    gender = self.gender_words.get(tok.lower_)
                    if gender:
                        out.setdefault(actor.id, gender)
                if span.start > 0 and (g := self.gender_words.get(span.doc[span.start - 1].lower_)):
                    out.setdefault(actor.id, g)
        return out

    def _nominal_antecedent(
        self, mention: Span, role_words: list[str], registry: ActorRegistry, in_quote: list[bool]
    ) -> Actor | None:
        head = mention.root.lemma_.lower()
        people = [
            a for _, a in self._candidates(mention.start, registry, in_quote) if a.type == "PERSON"
        ]
        seen: set[str] = set()
        ordered = [a for a in people if not (a.id in seen or seen.add(a.id))]

        def role_words_of(actor: Actor) -> set[str]:
            return {t.lower_ for r in actor.roles for t in r} | {
                t.lemma_.lower() for r in actor.roles for t in r
            }

        for words in ({head}, {w.lower() for w in role_words}):  # the same noun first
            for actor in ordered:
                if role_words_of(actor) & words:
                    return actor
        return None


def _is_definite(mention: Span) -> bool:
    return any(t.lower_ in ("the", "this", "that") for t in mention[:2])


def _actor_covering(mention: Span, actors: list[Actor]) -> Actor | None:
    root = mention.root.i
    inside: Actor | None = None
    for actor in actors:
        for m in actor.mentions:
            if m.label_ != "name":
                continue
            if m.start <= root < m.end:
                return actor
            if (
                inside is None
                and actor.type in ("PERSON", "ORG")
                and mention.start <= m.start
                and m.end <= mention.end
            ):
                inside = actor  # "the National Security Council meeting" -> the council
    return inside


def _expand_np(tok: Token) -> Span:
    return noun_phrase(tok) if tok.pos_ != "PRON" else tok.doc[tok.i : tok.i + 1]
