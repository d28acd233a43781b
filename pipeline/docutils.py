"""Small helpers over spaCy docs shared by the components."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

PUNCT_EDGES = set(" \n\t,.;:!?—–-")
QUOTE_CHARS = set("“”\"«»„‟‘’'")
NP_DEPS = {"compound", "flat", "amod", "det", "poss", "nmod", "nummod", "case", "quantmod"}


def trim(span: Span, keep_quotes: bool = False) -> Span:
    """Drop whitespace and punctuation (and quote marks unless ``keep_quotes``) at both ends."""
    start, end = span.start, span.end
    doc = span.doc

    def strip(tok: Token) -> bool:
        if tok.is_space:
            return True
        if tok.text in QUOTE_CHARS:
            return not keep_quotes
        return tok.is_punct and tok.text not in "()[]" and all(c in PUNCT_EDGES for c in tok.text)

    while start < end and strip(doc[start]):
        start += 1
    while end > start and strip(doc[end - 1]):
        end -= 1
    return doc[start:end]


def noun_phrase(token: Token) -> Span:
    """The compact noun phrase headed by ``token``: the entity it belongs to if any, else the
    token with its determiners, modifiers and compounds (no appositions, no clauses)."""
    doc = token.doc
    if token.ent_type_ and token.ent_iob_ in ("B", "I"):
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                left = ent.start
                # keep a determiner/title right before the entity ("the president Obama")
                return doc[left : ent.end]
    if (
        token.pos_ == "PROPN"
        and token.dep_ in ("compound", "flat")
        and token.head.pos_ == "PROPN"
        and token.head.i > token.i
    ):
        return noun_phrase(token.head)  # "Mr." parsed as the subject of "Mr. King said"
    left, right = token.i, token.i + 1
    while (
        right < len(doc)
        and token.text.endswith(".")
        and len(token) <= 4
        and doc[right].pos_ == "PROPN"
    ):
        right += 1  # a bare title ("Mr.") followed by the name
    for child in token.lefts:
        if child.dep_ in NP_DEPS or child.dep_ in ("det", "amod", "compound", "poss"):
            left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in ("flat", "compound", "nummod"):
            right = max(right, child.right_edge.i + 1)
    return doc[left:right]


def is_line_break(token: Token) -> bool:
    """A whitespace token that holds a line break: the one definition of a paragraph end."""
    return token.is_space and "\n" in token.text


def paragraph_of(doc: Doc) -> list[int]:
    """Paragraph index per token (a paragraph ends at a line break; the break token belongs
    to the paragraph it ends)."""
    out, para, seen_break = [], 0, False
    for tok in doc:
        if is_line_break(tok):
            seen_break = True
            out.append(para)
            continue
        if seen_break:
            para += 1
            seen_break = False
        out.append(para)
    return out


def is_heading(sent: Span) -> bool:
    """A short line without closing punctuation that stands alone as a paragraph."""
    toks = [t for t in sent if not t.is_space]
    if not toks or len(toks) > 14:
        return False
    doc = sent.doc
    starts_line = (
        sent.start == 0 or "\n" in doc[sent.start - 1].text or doc[sent.start - 1].is_space
    )
    ends_line = sent.end >= len(doc) or "\n" in doc[sent.end - 1].text or doc[sent.end].is_space
    while len(toks) > 1 and toks[-1].text in QUOTE_CHARS:
        toks = toks[:-1]  # 'Yoon Suk-yeol and the “Flag Effect”' ends with its quote mark
    return starts_line and ends_line and toks[-1].text not in {".", "!", "?", ":", ";", ","}


def next_token(doc: Doc, i: int) -> Token | None:
    """The first non-space token at or after ``i``."""
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


def prev_token(doc: Doc, i: int) -> Token | None:
    """The last non-space token before ``i``."""
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i] if i >= 0 else None
