"""Finding the words that name a quote's speaker (the mention), before resolving them to an
actor: the cue's subject (normal or inverted), the object of "according to", the name after a
dash, the introducer of a colon, and surface fallbacks when the parse is broken."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from ...docutils import noun_phrase
from ...types import CueKind, Quote, Resolution

SUBJ_DEPS = ("nsubj", "csubj", "expl")
RELATIVE = {"who", "which", "that", "whom"}
NON_SPEAKER_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}


@dataclass
class Found:
    """A speaker mention and how it was found; ``antecedent`` is the noun phrase a relative
    pronoun mention ("McConnell, who said ...") stands for."""

    mention: Span
    resolution: Resolution
    antecedent: Span | None = None


def find_mention(quote: Quote, in_direct: list[bool]) -> Found | None:
    """The speaker mention of a cued quote, or None (then only continuation can help)."""
    cue = quote.cue
    if cue is None:
        return None
    doc = cue.doc
    mention: Span | None = None
    antecedent: Span | None = None
    resolution = Resolution.CUE_SUBJECT
    if quote.how == CueKind.ACCORDING_TO:
        mention, resolution = according_to_source(cue), Resolution.ACCORDING_TO
    elif quote.how == CueKind.NOUN:
        mention = noun_holder(cue.root, in_direct)
    elif quote.how == CueKind.DASH:
        name = next(t for t in doc[cue.end :] if not t.is_space)
        mention, resolution = noun_phrase(name), Resolution.INVERTED_SUBJECT
    elif cue[0].text == ":":
        head = cue[0].head if not in_direct[cue[0].head.i] else cue[0].sent.root
        mention, antecedent = subject(head, in_direct)
        resolution = Resolution.COLON_INTRODUCER
    else:
        mention, antecedent = subject(cue.root, in_direct)
        if quote.how == CueKind.COLON_PARAGRAPH:
            resolution = Resolution.COLON_INTRODUCER
        elif mention is not None and mention.start > cue.start and quote.content.end <= cue.start:
            resolution = Resolution.INVERTED_SUBJECT
    if mention is None:
        mention = surface_subject(cue, quote, in_direct)
        if mention is not None and mention.start > cue.start:
            resolution = Resolution.INVERTED_SUBJECT
    if mention is None:
        return None
    return Found(mention, resolution, antecedent)


def subject(verb: Token, in_direct: list[bool]) -> tuple[Span | None, Span | None]:
    """The subject noun phrase of a cue, climbing through conjunctions and relatives; for a
    relative pronoun subject, also the noun phrase it stands for."""
    node, steps = verb, 0
    while steps < 3:
        passive = any(c.dep_ == "auxpass" for c in node.children)
        for child in node.children:
            if passive and child.dep_ in SUBJ_DEPS:
                continue  # "it could be seen as …": the subject is what is seen
            if (
                child.dep_ in SUBJ_DEPS
                and not in_direct[child.i]
                and child.dep_ != "expl"
                and child.ent_type_ not in NON_SPEAKER_ENTS
            ):
                if child.lower_ in RELATIVE and node.dep_ == "relcl":
                    # "McConnell, who said ...": the mention is "who", the actor its head
                    return child.doc[child.i : child.i + 1], noun_phrase(node.head)
                return noun_phrase(child), None
            if child.dep_ == "agent":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return noun_phrase(objs[0]), None
        if node.dep_ in ("acl",) and node.head.pos_ in ("NOUN", "PROPN"):
            return noun_phrase(node.head), None
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head != node:
            node, steps = node.head, steps + 1
            continue
        break
    return None, None


def surface_subject(cue: Span, quote: Quote, in_direct: list[bool]) -> Span | None:
    """When the parse is broken (cue tagged as a noun): the noun phrase right after an
    inverted cue, else the first name or noun phrase of the clause before the cue."""
    doc = cue.doc

    def speaker_like(tok: Token) -> bool:
        return (
            tok.pos_ in ("PROPN", "NOUN", "PRON")
            and not in_direct[tok.i]
            and tok.ent_type_ not in NON_SPEAKER_ENTS
        )

    if quote.content.end <= cue.start:  # “…,” X said  /  “…,” said X
        between = [t for t in doc[quote.content.end : cue.start] if speaker_like(t)]
        if between:
            return expand_np(between[-1])
    opens_clause = all(t.is_punct or t.is_space for t in doc[cue.sent.start : cue.start])
    if quote.content.end <= cue.start or (
        opens_clause and cue.end < len(doc) and doc[cue.end].pos_ == "PROPN"
    ):  # "Said Ellis: …" -- but not "calling Alwaleed “dopey”"
        for tok in doc[cue.end : min(cue.end + 4, cue.sent.end)]:
            if speaker_like(tok):
                return expand_np(tok)
    sent = cue.sent
    for tok in doc[sent.start : cue.start]:
        if (
            in_direct[tok.i]
            or tok.is_space
            or tok.head.dep_ == "prep"
            or tok.dep_ == "pobj"
            or tok.ent_type_ in NON_SPEAKER_ENTS
        ):
            continue
        if tok.pos_ in ("PROPN", "PRON") or (tok.pos_ == "NOUN" and tok.dep_.startswith("nsubj")):
            return expand_np(tok)
    return None


LIGHT_VERBS = {"make", "issue", "express", "voice", "offer", "give", "raise", "repeat",
               "reiterate", "share", "deliver", "send", "dismiss", "reject", "echo", "have"}


def noun_holder(noun: Token, in_direct: list[bool]) -> Span | None:
    """Whose claim, warning or belief a reporting noun names: the possessor ("the senator's
    warning"), "by/from X" ("a warning from the governor"), a name before it ("the White House
    claim"), or the subject of a light verb ("X made the claim that", "X expressed hope")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return noun_phrase(child)
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return noun_phrase(objs[0])
    for child in noun.lefts:
        if child.dep_ == "compound" and (child.pos_ == "PROPN" or child.ent_type_):
            return noun_phrase(child)
    head = noun.head
    if noun.dep_ in ("dobj", "attr") and head.lemma_.lower() in LIGHT_VERBS:
        found, _ = subject(head, in_direct)
        return found
    return None


def according_to_source(cue: Span) -> Span | None:
    """X in "according to X"."""
    objs = [t for t in cue[-1].children if t.dep_ == "pobj"]
    if objs:
        return noun_phrase(objs[0])
    nxt = cue.end
    doc = cue.doc
    return (
        expand_np(doc[nxt])
        if nxt < len(doc) and doc[nxt].pos_ in ("PROPN", "NOUN", "PRON")
        else None
    )


def expand_np(tok: Token) -> Span:
    return noun_phrase(tok) if tok.pos_ != "PRON" else tok.doc[tok.i : tok.i + 1]
