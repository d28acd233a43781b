"""Clustering name mentions into actors: one working set per document, read from and written
back to the Doc's actor storage (``pipeline.extensions``), never kept on a component."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ...extensions import actor_keys, write_actors
from ...types import Actor, ActorType, MentionKind

_SPLIT = re.compile(r"[\s\-‐‑]+")
ARTICLES = ("the", "a", "an")


def name_key(text: str, titles: frozenset[str]) -> tuple[str, ...]:
    """Comparable key of a name: lowercase parts, hyphen/space variants alike, titles,
    possessives and leading articles removed ("President Yoon Suk-yeol" -> yoon, suk, yeol)."""
    text = re.sub(r"[’']s$", "", text.strip())
    parts = [p.strip(".,") for p in _SPLIT.split(text.lower()) if p.strip(".,")]
    while parts and (parts[0] in titles or parts[0] in ARTICLES):
        parts.pop(0)
    return tuple(parts)


def clean_name(span: Span, titles: frozenset[str]) -> str:
    """The name without leading titles/articles and a trailing possessive."""
    toks = list(span)
    while toks and (toks[0].lower_ in titles or toks[0].lower_ in ARTICLES):
        toks = toks[1:]
    while toks and toks[-1].tag_ == "POS":
        toks = toks[:-1]
    if not toks:
        return span.text
    return span.doc[toks[0].i : toks[-1].i + 1].text


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


@dataclass
class ActorEntry:
    """A mutable actor while a component builds or extends the set."""

    id: str
    name: str
    type: ActorType
    key: tuple[str, ...]
    mentions: list[Span] = field(default_factory=list)
    roles: list[Span] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)

    def freeze(self) -> Actor:
        return Actor(self.id, self.name, self.type, tuple(self.mentions), tuple(self.roles),
                     tuple(self.affiliations))


class ActorRegistry:
    """Clusters mentions into actors; attribution adds speakers that NER missed."""

    def __init__(self, doc: Doc, titles: frozenset[str]) -> None:
        self.doc = doc
        self.titles = titles
        self.actors: list[ActorEntry] = []

    @classmethod
    def from_doc(cls, doc: Doc, titles: frozenset[str]) -> ActorRegistry:
        """The actors already stored on ``doc`` (an empty set if none)."""
        registry = cls(doc, titles)
        keys = actor_keys(doc)
        for actor in doc._.actors or []:
            registry.actors.append(ActorEntry(
                actor.id, actor.name, actor.type, keys.get(actor.id, ()),
                list(actor.mentions), list(actor.roles), list(actor.affiliations)))
        return registry

    def write(self) -> None:
        """Store the actors on the document."""
        write_actors(self.doc, [a.freeze() for a in self.actors],
                     {a.id: list(a.key) for a in self.actors})

    def _new(self, name: str, type_: ActorType, key: tuple[str, ...]) -> ActorEntry:
        actor = ActorEntry(id=f"A{len(self.actors) + 1}", name=name, type=type_, key=key)
        self.actors.append(actor)
        return actor

    def find(self, span: Span, type_: str) -> ActorEntry | None:
        """The actor a name mention refers to, if one exists already."""
        key = name_key(span.text, self.titles)
        if not key:
            return None
        same_type = [a for a in reversed(self.actors) if a.type == type_]
        for actor in same_type:
            if actor.key == key:
                return actor
        if type_ != ActorType.PERSON:
            return None
        for actor in same_type:  # surname or partial name: most recent person containing it
            if len(key) < len(actor.key) and _contains(actor.key, key):
                return actor
            if len(actor.key) < len(key) and _contains(key, actor.key):
                return actor
        return None

    def add(self, span: Span, type_: str, kind: MentionKind = MentionKind.NAME) -> ActorEntry:
        """Attach a mention to its actor, creating the actor if needed."""
        actor = self.find(span, type_)
        key = name_key(span.text, self.titles)
        clean = clean_name(span, self.titles)
        if actor is None:
            actor = self._new(clean or span.text, ActorType(type_), key)
        elif len(key) > len(actor.key):
            actor.key = key
            actor.name = clean
        actor.mentions.append(Span(self.doc, span.start, span.end, label=str(kind)))
        return actor

    def by_id(self, actor_id: str) -> ActorEntry:
        return next(a for a in self.actors if a.id == actor_id)
