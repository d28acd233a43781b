"""Actors: NER mentions clustered into canonical people, organisations, places and groups,
with roles and affiliations read off appositions ("X, a professor at Y", "X from Y")."""

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..docutils import is_heading, trim
from ..extensions import register_extensions
from ..resources import load_json, load_word_list
from ..types import Actor

ENT_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "GPE"}
_SPLIT = re.compile(r"[\s\-‐‑]+")


def name_key(text: str, titles: frozenset[str]) -> tuple[str, ...]:
    """Comparable key of a name: lowercase parts, hyphen/space variants alike, titles,
    possessives and leading articles removed ("President Yoon Suk-yeol" -> yoon, suk, yeol)."""
    text = re.sub(r"[’']s$", "", text.strip())
    parts = [p.strip(".,") for p in _SPLIT.split(text.lower()) if p.strip(".,")]
    while parts and (parts[0] in titles or parts[0] in ("the", "a", "an")):
        parts.pop(0)
    return tuple(parts)


class ActorRegistry:
    """Clusters mentions into actors; later stages add speakers that NER missed."""

    def __init__(self, doc: Doc, titles: frozenset[str]) -> None:
        self.doc = doc
        self.titles = titles
        self.actors: list[Actor] = []
        self._keys: dict[int, tuple[str, ...]] = {}

    def _new(self, name: str, type_: str, key: tuple[str, ...]) -> Actor:
        actor = Actor(id=f"A{len(self.actors) + 1}", name=name, type=type_)
        self.actors.append(actor)
        self._keys[id(actor)] = key
        return actor

    def find(self, span: Span, type_: str) -> Actor | None:
        """The actor a name mention refers to, if one exists already."""
        key = name_key(span.text, self.titles)
        if not key:
            return None
        same_type = [a for a in reversed(self.actors) if a.type == type_]
        for actor in same_type:
            if self._keys[id(actor)] == key:
                return actor
        if type_ != "PERSON":
            return None
        for actor in same_type:  # surname or partial name: most recent person containing it
            akey = self._keys[id(actor)]
            if len(key) < len(akey) and _contains(akey, key):
                return actor
            if len(akey) < len(key) and _contains(key, akey):
                return actor
        return None

    def add(self, span: Span, type_: str, kind: str = "name") -> Actor:
        """Attach a mention to its actor, creating the actor if needed."""
        actor = self.find(span, type_)
        key = name_key(span.text, self.titles)
        clean = _clean_name(span, self.titles)
        if actor is None:
            actor = self._new(clean or span.text, type_, key)
        elif len(key) > len(self._keys[id(actor)]):
            self._keys[id(actor)] = key
            actor.name = clean
        actor.mentions.append(Span(self.doc, span.start, span.end, label=kind))
        return actor


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _clean_name(span: Span, titles: frozenset[str]) -> str:
    toks = list(span)
    while toks and (toks[0].lower_ in titles or toks[0].lower_ in ("the", "a", "an")):
        toks = toks[1:]
    while toks and toks[-1].tag_ == "POS":
        toks = toks[:-1]
    if not toks:
        return span.text
    return span.doc[toks[0].i : toks[-1].i + 1].text


def _title_before(ent: Span, titles: frozenset[str]) -> Span | None:
    """Title words right before a person's name ("South Korean President Yoon")."""
    doc, i = ent.doc, ent.start
    start = i
    while (
        start > 0
        and doc[start - 1].head.i in range(ent.start, ent.end)
        and doc[start - 1].dep_ in ("compound", "amod", "nmod")
        and not doc[start - 1].is_punct
    ):
        start -= 1
    if start < i and any(t.lower_ in titles for t in doc[start:i]):
        return doc[start:i]
    if ent[0].lower_ in titles:  # title inside the entity
        return ent[0:1]
    return None


def _appositive_roles(ent: Span) -> list[Span]:
    """Role phrases attached to a name: appositions and "from/of/at Y" modifiers."""
    roles: list[Span] = []
    root = ent.root
    for child in root.children:
        if child.i in range(ent.start, ent.end):
            continue
        if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ in ("from", "of", "at")):
            role = trim(ent.doc[child.left_edge.i : child.right_edge.i + 1])
            if len(role):
                roles.append(role)
    return roles


@Language.factory(
    "claimtrace_actors",
    assigns=["doc._.actors", "doc.spans"],
    requires=["doc.ents", "token.dep"],
    default_config={
        "titles": "resources:titles.txt",
        "person_nouns": "resources:person_nouns.json",
    },
)
def make_actors(nlp: Language, name: str, titles: str, person_nouns: str) -> "ActorFinder":
    register_extensions()
    return ActorFinder(load_word_list(titles), load_json(person_nouns))


class ActorFinder:
    """Builds ``doc._.actors`` and the ``actor_mentions`` span group from NER."""

    def __init__(self, titles: frozenset[str], person_nouns: dict) -> None:
        self.titles = titles
        self.person_nouns = person_nouns

    @staticmethod
    def _attach_bare_surnames(doc: Doc, registry: ActorRegistry) -> None:
        """A capitalised word outside any entity that is a known person's surname
        ("Lindqvist has a different plan") is a mention of that person."""
        surnames: dict[str, Actor] = {}
        for actor in registry.actors:
            if actor.type == "PERSON" and " " in actor.name:
                surnames[actor.name.split()[-1].lower()] = actor
        covered = {i for a in registry.actors for m in a.mentions for i in range(m.start, m.end)}
        for tok in doc:
            actor = surnames.get(tok.lower_)
            if (
                actor is not None
                and tok.pos_ == "PROPN"
                and tok.is_title
                and tok.i not in covered
                and not (tok.i > 0 and doc[tok.i - 1].text in ("-", "‐", "‑"))
                and tok.i > actor.mentions[0].start
            ):
                actor.mentions.append(Span(doc, tok.i, tok.i + 1, label="name"))

    def __call__(self, doc: Doc) -> Doc:
        registry = ActorRegistry(doc, self.titles)
        person_words = set(self.person_nouns.get("person", [])) | set(
            self.person_nouns.get("nominals", {})
        )
        in_heading: list[tuple[Span, str]] = []
        for ent in doc.ents:
            type_ = ENT_TYPES.get(ent.label_)
            if type_ is None:
                continue
            if type_ == "ORG":
                ent = _complete_org(ent)
            elif type_ == "PERSON":
                ent = _complete_person(ent)
            ent = _strip_possessive(ent)
            if not len(ent) or "\n" in ent.text:
                continue
            if type_ == "PERSON" and len(ent) == 1 and ent[0].lower_ in self.titles:
                continue
            if is_heading(ent.sent):
                in_heading.append((ent, type_))
                continue
            if type_ != "PERSON" and len(ent) == 1 and registry.find(ent, "PERSON") is not None:
                type_ = "PERSON"  # a known person's surname mistagged as a place or company
            roles = _appositive_roles(ent)
            if type_ != "PERSON" and any(r.root.lemma_.lower() in person_words for r in roles):
                type_ = "PERSON"  # "Hong Min, a researcher at ..." tagged as a place
            actor = registry.add(ent, type_)
            if type_ == "PERSON":
                title = _title_before(ent, self.titles)
                for role in ([title] if title is not None else []) + roles:
                    if all((r.start, r.end) != (role.start, role.end) for r in actor.roles):
                        actor.roles.append(role)
        self._attach_bare_surnames(doc, registry)
        for ent, type_ in in_heading:  # headings only repeat actors the body introduces
            actor = registry.find(ent, type_)
            if actor is not None:
                actor.mentions.append(Span(doc, ent.start, ent.end, label="name"))
        for actor in registry.actors:
            actor.affiliations = _affiliations(actor, registry.actors)
        doc._.actors = registry.actors
        doc.user_data["claimtrace_actor_registry"] = registry
        doc.spans["actor_mentions"] = [m for a in registry.actors for m in a.mentions]
        return doc


def _complete_org(ent: Span) -> Span:
    """Extend an organisation cut short by NER: "Chamber" + "of Commerce"."""
    doc, end = ent.doc, ent.end
    while end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].pos_ == "PROPN":
        end += 2
        while end < len(doc) and doc[end].pos_ == "PROPN":
            end += 1
    return doc[ent.start : end]


def _complete_person(ent: Span) -> Span:
    """Extend a name cut at a hyphen: NER often stops at "Yoon Suk" in "Yoon Suk-yeol"."""
    doc, end = ent.doc, ent.end
    while (
        end + 1 < len(doc)
        and doc[end].text in ("-", "‐", "‑")
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
    ):
        end += 2
    return doc[ent.start : end]


def _strip_possessive(ent: Span) -> Span:
    """Drop a trailing possessive and any leading/trailing token with no letter or digit."""
    doc, start, end = ent.doc, ent.start, ent.end

    def junk(tok: Token) -> bool:
        return not any(c.isalnum() for c in tok.text)

    while end > start and (doc[end - 1].tag_ == "POS" or junk(doc[end - 1])):
        end -= 1
    while start < end and junk(doc[start]):
        start += 1
    return doc[start:end]


def _affiliations(actor: Actor, actors: list[Actor]) -> list[str]:
    names: list[str] = []
    for role in actor.roles:
        for other in actors:
            if other is actor or other.type not in ("ORG", "GPE"):
                continue
            inside = any(role.start <= m.start and m.end <= role.end for m in other.mentions)
            if inside and other.name not in names:
                names.append(other.name)
    return names


def token_in_actor(token: Token, actors: list[Actor]) -> Actor | None:
    """The actor whose mention covers ``token``, if any."""
    for actor in actors:
        for m in actor.mentions:
            if m.start <= token.i < m.end:
                return actor
    return None
