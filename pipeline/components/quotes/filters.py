"""What is not a quotation: titles ('the newspaper “The Daily Star”'), terms ('a “flag
effect”'), scare-quoted labels ('what was described as a “temporary” closure'), and cues that
report nobody's words ('This explains why', 'It is hard to see X as')."""

from __future__ import annotations

from spacy.tokens import Span, Token

SUBSTANCE_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "PRON"}
NON_AGENT_SUBJECTS = {"this", "that", "these", "those", "what"}
WH_WORDS = ("what", "which", "who", "whom")


def is_title(span: Span, title_cues: frozenset[str], max_tokens: int) -> bool:
    """A short quoted span right after a title word ("the newspaper", "titled", "dubbed")."""
    doc = span.doc
    k = span.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].dep_ == "det" or doc[k].text in ",:"):
        k -= 1
    return k >= 0 and doc[k].lower_ in title_cues and len(span) <= max_tokens


def only_a_term(content: Span, in_marks: list[bool], title_cues: frozenset[str],
                min_words: int) -> bool:
    """'mentions a “flag effect”', 'what she calls a “blue corridor”', 'the term “load
    rating”': a short quoted term, named or introduced, and nothing else of substance."""
    doc = content.doc
    for t in content:
        if t.text in ("“", "‘") and t.i > 0 and doc[t.i - 1].lower_ in title_cues:
            return True
    quoted = sum(1 for t in content if in_marks[t.i] and t.is_alpha)
    rest = sum(
        1
        for t in content
        if not in_marks[t.i] and t.pos_ in SUBSTANCE_POS and t.lower_ not in WH_WORDS
    )
    return rest == 0 and quoted < min_words


def unsourced_label(cue: Token, content: Span, in_marks: list[bool], min_words: int) -> bool:
    """'what was first described as a “temporary” closure': a passive cue with no agent
    whose content is a phrase around a short quoted word is a scare-quoted label, not
    anyone's reported words."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in cue.children)
    if not passive or any(c.dep_ == "agent" for c in cue.children):
        return False
    quoted = sum(1 for t in content if in_marks[t.i] and t.is_alpha)
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in content if not in_marks[t.i])
    return not has_verb and quoted < min_words


def has_non_agent_subject(cue: Token) -> bool:
    """'This explains why ...': a demonstrative subject reports no one's words."""
    return any(c.dep_ == "nsubj" and c.lower_ in NON_AGENT_SUBJECTS for c in cue.children)


def impersonal(cue: Token) -> bool:
    """'It is hard to see X as …', 'it is fair to say …': a cue under an impersonal adjective
    reports nobody's words or beliefs."""
    node = cue
    for _ in range(2):
        node = node.head
        if node.pos_ == "ADJ" or any(c.dep_ == "acomp" for c in node.children):
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "expl")]
            if node.pos_ == "ADJ":
                subjects += [c for c in node.head.children if c.dep_ in ("nsubj", "expl")]
            if any(c.lower_ == "it" for c in subjects):
                return True
    return False


NAMING_VERBS = frozenset({"call", "dub", "name", "term", "label", "nickname", "coin"})


def named_term(content: Span, in_marks: list[bool], min_words: int) -> bool:
    """'what she calls a “blue corridor”': a naming verb with a "what/which" object, then a
    short quoted noun phrase after an article: a term the speaker coins, not a quotation."""
    words = [t for t in content if not t.is_space]
    if not words or words[0].lower_ not in WH_WORDS:
        return False
    opening = next((t for t in words if t.text in ("“", "‘") and in_marks[t.i]), None)
    if opening is None or opening.i == 0:
        return False
    doc = content.doc
    before = doc[opening.i - 1]
    naming = any(t.lemma_.lower() in NAMING_VERBS for t in words if t.i < opening.i)
    quoted = sum(1 for t in words if in_marks[t.i] and t.is_alpha)
    return naming and before.lower_ in ("a", "an") and quoted < min_words


def not_a_quotation(quote, in_marks: list[bool], title_cues: frozenset[str], min_words: int,
                    max_title_tokens: int) -> bool:
    """The rule stage's checks for a candidate found another way (the span tagger): a cue
    that reports nobody's words, a quoted title or a term introduced before a colon, a
    scare-quoted label. (Short quoted phrases with a real cue stay: 'called it a “rant”'.)"""
    if quote.cue is not None and quote.how != "according_to":
        cue = quote.cue.root
        if has_non_agent_subject(cue) or impersonal(cue):
            return True
    content = quote.content
    if not any(in_marks[t.i] for t in content):
        return False
    doc = content.doc
    for t in content:  # 'the newspaper “…”' (but 'X called it “…”' has a speaker)
        before = doc[t.i - 1] if t.i > 0 else None
        if t.text in ("“", "‘") and before is not None and before.lower_ in title_cues and (
                before.pos_ != "VERB"):
            return True
    nxt = next((t for t in doc[content.end : content.end + 3] if not t.is_space), None)
    if content[-1].text == ":":
        nxt, content = content[-1], content[:-1]
    if nxt is not None and nxt.text == ":" and only_a_term(content, in_marks, title_cues,
                                                           min_words):
        return True  # 'mentions a “flag effect”:' introduces the quote after it
    if quote.cue is not None and unsourced_label(quote.cue.root, content, in_marks, min_words):
        return True
    if named_term(content, in_marks, min_words):
        return True
    quoted = all(in_marks[t.i] for t in content if not t.is_space)
    k = content.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].dep_ == "det" or doc[k].text in ",:"):
        k -= 1
    return quoted and k >= 0 and doc[k].pos_ != "VERB" and is_title(content, title_cues,
                                                                    max_title_tokens)
