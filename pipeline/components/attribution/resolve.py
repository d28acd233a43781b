"""Resolving a speaker mention to a canonical actor: a name an actor already has, a pronoun
(most recent compatible actor outside direct quotes and headings, gender-aware: titles and
role words first, then earlier pronouns, then the usual gender of the first name), a
spokesperson ("a spokeswoman for Acme": the organisation), a definite nominal ("the
academic": the most recent person whose role matches, in any earlier paragraph), or a new
actor."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

from ...types import ActorType, MentionKind, Resolution, Speaker
from ..actors.registry import ActorEntry, ActorRegistry
from ..structure import DocIndex

RECENT_SENTENCES = 2  # "the candidate" may refer to the person named this far back


@dataclass(frozen=True)
class Lexicon:
    """The word lists resolution uses (from ``pronouns.json`` and ``person_nouns.json``)."""

    pronouns: dict[str, list[str]]  # pronoun -> actor types it can refer to
    pronoun_gender: dict[str, str]
    gender_words: dict[str, str]  # "mrs.", "spokeswoman" -> "f"
    nominals: dict[str, list[str]]  # "academic" -> role words that match
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    spokespeople: frozenset[str] = frozenset()  # nouns for people who speak for an organisation
    first_names: dict[str, str] = field(default_factory=dict)  # "maria" -> "f"

    @classmethod
    def from_json(cls, pronouns: dict, person_nouns: dict,
                  first_names: dict[str, str] | None = None) -> Lexicon:
        return cls(
            pronouns=pronouns["types"],
            pronoun_gender=pronouns["gender"],
            gender_words={w: g for g, words in pronouns["gender_words"].items() for w in words},
            nominals=person_nouns["nominals"],
            person_nouns=frozenset(person_nouns["person"]),
            org_nouns=frozenset(person_nouns["organisation"]),
            spokespeople=frozenset(person_nouns.get("spokespeople", [])),
            first_names=dict(first_names or {}),
        )


@dataclass
class Resolver:
    """Resolution state for one document (made per call, never kept on the component)."""

    lexicon: Lexicon
    registry: ActorRegistry
    index: DocIndex
    in_direct: list[bool]
    antecedents: dict[int, Span] = field(default_factory=dict)  # relative pronoun -> its NP
    gender: dict[str, str] = field(default_factory=dict)  # from titles, roles and pronouns
    name_gender: dict[str, str] = field(default_factory=dict)  # from first names only

    def __post_init__(self) -> None:
        self.gender = self._known_genders()
        self.name_gender = self._first_name_genders()

    def gender_of(self, actor_id: str) -> str | None:
        """What is known of an actor's gender: a title or role word, then an earlier pronoun
        that resolved to the actor, then the usual gender of the first name."""
        return self.gender.get(actor_id) or self.name_gender.get(actor_id)

    def resolve(self, mention: Span, resolution: Resolution) -> Speaker:
        """The speaker a mention names; adds pronoun/nominal mentions and new actors."""
        antecedent = self.antecedents.get(mention.start) if len(mention) == 1 else None
        if antecedent is not None:
            resolved = self.resolve(antecedent, resolution)
            return Speaker(mention, resolved.actor_id, resolved.resolution)
        actor = _actor_covering(mention, self.registry.actors)
        if actor is not None:
            return Speaker(mention, actor.id, resolution)
        head = mention.root
        lex = self.lexicon
        if head.lemma_.lower() in lex.spokespeople or head.lower_ in lex.spokespeople:
            actor = self._represented(head)
            if actor is not None:
                return Speaker(mention, actor.id, resolution)
        if len(mention) == 1 and head.lower_ in lex.pronouns:
            actor = self._antecedent(mention, lex.pronouns[head.lower_])
            if actor is None:
                return Speaker(mention, None, Resolution.UNRESOLVED)
            gender = lex.pronoun_gender.get(head.lower_)
            if gender:
                self.gender.setdefault(actor.id, gender)
            actor.mentions.append(self._mention(mention, MentionKind.PRONOUN))
            return Speaker(mention, actor.id, Resolution.PRONOUN)
        lemma = head.lemma_.lower()
        if head.tag_ in ("NN", "NNP") and head.is_lower and _is_definite(mention):
            actor = self._nominal_antecedent(mention, lex.nominals.get(lemma, []) + [lemma])
            if actor is not None:
                actor.mentions.append(self._mention(mention, MentionKind.NOMINAL))
                return Speaker(mention, actor.id, Resolution.NOMINAL)
        kind = MentionKind.NOMINAL if head.pos_ != "PROPN" else MentionKind.NAME
        actor = self.registry.add(mention, self._type_of(mention), kind=kind)
        return Speaker(mention, actor.id, resolution)

    @staticmethod
    def _mention(span: Span, kind: MentionKind) -> Span:
        return Span(span.doc, span.start, span.end, label=str(kind))

    def _type_of(self, mention: Span) -> ActorType:
        head = mention.root
        lemma = head.lemma_.lower()
        plural = head.tag_ in ("NNS", "NNPS")
        if lemma in self.lexicon.person_nouns or head.lower_ in self.lexicon.person_nouns:
            return ActorType.GROUP if plural else ActorType.PERSON
        if lemma in self.lexicon.org_nouns:
            return ActorType.ORG
        if head.pos_ == "PROPN" and all(
            t.is_title or not t.is_alpha for t in mention if t.dep_ != "det"
        ):
            short = len(mention) <= 3 and mention[0].dep_ != "det"
            return ActorType.PERSON if short else ActorType.ORG
        return ActorType.GROUP if plural else ActorType.ORG

    def _candidates(self, before: int) -> list[tuple[int, ActorEntry]]:
        """(position, actor) for every mention before ``before`` that could be an antecedent:
        not inside a direct quote, not in a heading; most recent first."""
        out = []
        for actor in self.registry.actors:
            for m in actor.mentions:
                if m.start >= before or self.in_direct[m.start] or self.index.in_heading(m.start):
                    continue
                out.append((m.start, actor))
        out.sort(key=lambda x: x[0], reverse=True)
        return out

    def _antecedent(self, mention: Span, types: list[str]) -> ActorEntry | None:
        plural = mention.root.lower_ in ("they", "them", "we")
        gender = self.lexicon.pronoun_gender.get(mention.root.lower_)
        for _, actor in self._candidates(mention.start):
            if actor.type not in types:
                continue
            if plural and actor.type == ActorType.PERSON:
                continue
            if gender and (self.gender_of(actor.id) or gender) != gender:
                continue
            return actor
        return None

    def _represented(self, head) -> ActorEntry | None:
        """The organisation a spokesperson speaks for: "a spokeswoman for Acme", "the
        Pentagon's spokesman", "Acme spokesman" (an actor named inside those words)."""
        doc = head.doc
        words = [head]
        for child in head.children:
            modifier = child.dep_ in ("compound", "poss", "nmod", "amod")
            if modifier or (child.dep_ == "prep" and child.lower_ in ("for", "of", "at")):
                words.extend(child.subtree)
        start, end = min(t.i for t in words), max(t.i for t in words) + 1
        span = doc[start:end]
        for actor in reversed(self.registry.actors):
            if actor.type not in (ActorType.ORG, ActorType.GPE, ActorType.NORP):
                continue
            if any(span.start <= m.start and m.end <= span.end for m in actor.mentions):
                return actor
        return None

    def _first_name_genders(self) -> dict[str, str]:
        """The usual gender of each person's first name (a full name: two words or more)."""
        out: dict[str, str] = {}
        names = self.lexicon.first_names
        if not names:
            return out
        for actor in self.registry.actors:
            if actor.type != ActorType.PERSON:
                continue
            parts = actor.name.split()
            if len(parts) >= 2 and (g := names.get(parts[0].lower().strip("."))):
                out[actor.id] = g
        return out

    def _known_genders(self) -> dict[str, str]:
        """Genders that titles and role words reveal ("Mrs. Clinton", "spokeswoman")."""
        out: dict[str, str] = {}
        words = self.lexicon.gender_words
        for actor in self.registry.actors:
            names = [m for m in actor.mentions if m.label_ == MentionKind.NAME]
            for span in actor.roles + names:
                for tok in span:
                    gender = words.get(tok.lower_)
                    if gender:
                        out.setdefault(actor.id, gender)
                if span.start > 0 and (g := words.get(span.doc[span.start - 1].lower_)):
                    out.setdefault(actor.id, g)
        return out

    def _nominal_antecedent(self, mention: Span, role_words: list[str]) -> ActorEntry | None:
        head = mention.root.lemma_.lower()
        people = [a for _, a in self._candidates(mention.start) if a.type == ActorType.PERSON]
        seen: set[str] = set()
        ordered = [a for a in people if not (a.id in seen or seen.add(a.id))]

        def role_words_of(actor: ActorEntry) -> set[str]:
            return {t.lower_ for r in actor.roles for t in r} | {
                t.lemma_.lower() for r in actor.roles for t in r
            }

        for words in ({head}, {w.lower() for w in role_words}):  # the same noun first
            for actor in ordered:
                if role_words_of(actor) & words:
                    return actor
        return self._recent_person(mention)

    def _recent_person(self, mention: Span) -> ActorEntry | None:
        """No role matches "the Republican candidate": a singular person noun with a
        modifier, or a nominal the lexicon knows, refers to the person named last, if that
        was at most ``RECENT_SENTENCES`` sentences before (elegant variation, as in "Donald
        Trump ... The Republican candidate has argued ...")."""
        head = mention.root
        lemma = head.lemma_.lower()
        known = lemma in self.lexicon.nominals
        modified = any(c.dep_ in ("amod", "compound") for c in head.children)
        if head.tag_ != "NN" or lemma not in self.lexicon.person_nouns or not (known or
                                                                                modified):
            return None
        here = self.index.sentence[mention.start]
        for start, actor in self._candidates(mention.start):
            if here - self.index.sentence[start] > RECENT_SENTENCES:
                return None
            if actor.type == ActorType.PERSON:
                return actor
            if actor.type in (ActorType.ORG, ActorType.GPE):
                continue
        return None


def _is_definite(mention: Span) -> bool:
    return any(t.lower_ in ("the", "this", "that") for t in mention[:2])


def _actor_covering(mention: Span, actors: list[ActorEntry]) -> ActorEntry | None:
    root = mention.root.i
    inside: ActorEntry | None = None
    for actor in actors:
        for m in actor.mentions:
            if m.label_ != MentionKind.NAME:
                continue
            if m.start <= root < m.end:
                return actor
            if (
                inside is None
                and actor.type in (ActorType.PERSON, ActorType.ORG)
                and mention.start <= m.start
                and m.end <= mention.end
            ):
                inside = actor  # "the National Security Council meeting" -> the council
    return inside
