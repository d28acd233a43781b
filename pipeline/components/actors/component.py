"""``claimtrace_actors``: ``doc._.actors`` (with ``doc.spans["actor_mentions"]`` and
``doc.spans["actor_roles"]``) from NER."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import register_extensions
from ...resources import parse_json, parse_word_list
from ...types import ActorType, MentionKind
from ..persist import ResourceComponent
from ..settings import resource
from ..structure import DocIndex
from .registry import ActorRegistry
from .roles import (
    HYPHENS,
    affiliations,
    appositive_roles,
    complete_org,
    complete_person,
    strip_possessive,
    title_before,
)

NAME = "actors"
ENT_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "GPE"}


@Language.factory(
    "claimtrace_actors",
    assigns=["doc._.actors", "doc._.actor_table", "doc.spans"],
    requires=["doc.ents", "token.dep", "doc._.layout"],
    default_config={
        "titles": "resources:titles.txt",
        "person_nouns": "resources:person_nouns.json",
    },
)
def make_actors(nlp: Language, name: str, titles: str, person_nouns: str) -> "ActorFinder":
    register_extensions()
    return ActorFinder(titles=resource(name, "titles", titles),
                       person_nouns=resource(name, "person_nouns", person_nouns))


class ActorFinder(ResourceComponent):
    """Builds the actors from NER: completes names, clusters mentions, reads roles."""

    def __init__(self, titles: str = "resources:titles.txt",
                 person_nouns: str = "resources:person_nouns.json") -> None:
        self._read({"titles": titles, "person_nouns": person_nouns})

    def _load(self) -> None:
        self.titles = parse_word_list(self.resources["titles"])
        nouns = parse_json(self.resources["person_nouns"], "person_nouns")
        self.person_words = set(nouns.get("person", [])) | set(nouns.get("nominals", {}))

    def __call__(self, doc: Doc) -> Doc:
        index = DocIndex(doc)
        registry = ActorRegistry(doc, self.titles)
        in_heading: list[tuple[Span, str]] = []
        for ent in doc.ents:
            type_ = ENT_TYPES.get(ent.label_)
            if type_ is None:
                continue
            if type_ == "ORG":
                ent = complete_org(ent)
            elif type_ == "PERSON":
                ent = complete_person(ent)
            ent = strip_possessive(ent)
            if not len(ent) or "\n" in ent.text:
                continue
            if type_ == "PERSON" and len(ent) == 1 and ent[0].lower_ in self.titles:
                continue
            if index.in_heading(ent.start):
                in_heading.append((ent, type_))
                continue
            if type_ != "PERSON" and len(ent) == 1 and registry.find(ent, "PERSON") is not None:
                type_ = "PERSON"  # a known person's surname mistagged as a place or company
            roles = appositive_roles(ent)
            if type_ != "PERSON" and any(r.root.lemma_.lower() in self.person_words for r in roles):
                type_ = "PERSON"  # "Hong Min, a researcher at ..." tagged as a place
            actor = registry.add(ent, type_)
            if type_ == "PERSON":
                title = title_before(ent, self.titles)
                for role in ([title] if title is not None else []) + roles:
                    if all((r.start, r.end) != (role.start, role.end) for r in actor.roles):
                        actor.roles.append(role)
        _attach_bare_surnames(doc, registry)
        for ent, type_ in in_heading:  # headings only repeat actors the body introduces
            actor = registry.find(ent, type_)
            if actor is not None:
                actor.mentions.append(Span(doc, ent.start, ent.end, label=str(MentionKind.NAME)))
        for actor in registry.actors:
            others = [(o.name, o.type, o.mentions) for o in registry.actors if o is not actor]
            actor.affiliations = affiliations(actor.roles, others)
        registry.write()
        return doc


def _attach_bare_surnames(doc: Doc, registry: ActorRegistry) -> None:
    """A capitalised word outside any entity that is a known person's surname
    ("Lindqvist has a different plan") is a mention of that person."""
    surnames = {}
    for actor in registry.actors:
        if actor.type == ActorType.PERSON and " " in actor.name:
            surnames[actor.name.split()[-1].lower()] = actor
    covered = {i for a in registry.actors for m in a.mentions for i in range(m.start, m.end)}
    for tok in doc:
        actor = surnames.get(tok.lower_)
        if (
            actor is not None
            and tok.pos_ == "PROPN"
            and tok.is_title
            and tok.i not in covered
            and not (tok.i > 0 and doc[tok.i - 1].text in HYPHENS)
            and tok.i > actor.mentions[0].start
        ):
            actor.mentions.append(Span(doc, tok.i, tok.i + 1, label=str(MentionKind.NAME)))
