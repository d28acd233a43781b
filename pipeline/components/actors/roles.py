"""Rules on name mentions: completing names NER cut short, titles before a name, roles from
appositions, and the affiliations those roles name."""

from __future__ import annotations

from spacy.tokens import Span, Token

from ...docutils import trim

HYPHENS = ("-", "‐", "‑")


def complete_org(ent: Span) -> Span:
    """Extend an organisation cut short by NER: "Chamber" + "of Commerce"."""
    doc, end = ent.doc, ent.end
    while end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].pos_ == "PROPN":
        end += 2
        while end < len(doc) and doc[end].pos_ == "PROPN":
            end += 1
    return doc[ent.start : end]


def complete_person(ent: Span) -> Span:
    """Extend a name cut at a hyphen: NER often stops at "Yoon Suk" in "Yoon Suk-yeol"."""
    doc, end = ent.doc, ent.end
    while (
        end + 1 < len(doc)
        and doc[end].text in HYPHENS
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
    ):
        end += 2
    return doc[ent.start : end]


def strip_possessive(ent: Span) -> Span:
    """Drop a trailing possessive and any leading/trailing token with no letter or digit."""
    doc, start, end = ent.doc, ent.start, ent.end

    def junk(tok: Token) -> bool:
        return not any(c.isalnum() for c in tok.text)

    while end > start and (doc[end - 1].tag_ == "POS" or junk(doc[end - 1])):
        end -= 1
    while start < end and junk(doc[start]):
        start += 1
    return doc[start:end]


def title_before(ent: Span, titles: frozenset[str]) -> Span | None:
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


def appositive_roles(ent: Span) -> list[Span]:
    """Role phrases attached to a name: appositions and "from/of/at Y" modifiers."""
    roles: list[Span] = []
    for child in ent.root.children:
        if child.i in range(ent.start, ent.end):
            continue
        if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ in ("from", "of", "at")):
            role = trim(ent.doc[child.left_edge.i : child.right_edge.i + 1])
            if len(role):
                roles.append(role)
    return roles


def affiliations(roles: list[Span], others: list[tuple[str, str, list[Span]]]) -> list[str]:
    """Names of the organisations and places mentioned inside ``roles``; ``others`` holds
    (name, type, mentions) of every other actor."""
    names: list[str] = []
    for role in roles:
        for name, type_, mentions in others:
            if type_ not in ("ORG", "GPE"):
                continue
            inside = any(role.start <= m.start and m.end <= role.end for m in mentions)
            if inside and name not in names:
                names.append(name)
    return names
