"""Extracting what a cue reports: the dependent its lexicon entry names (ccomp, xcomp, dobj,
prep:for ...), the clause after "that" or a colon, and the content around "according to X"."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ...docutils import is_line_break, next_token, trim
from ...resources import CueLexicon

# Stance cues also report what they argue for or against ("has argued for prioritizing ...").
STANCE_RELATIONS = ("prep:for", "prep:against")


def reported_clause(cue: Token, lexicon: CueLexicon, in_marks: list[bool]) -> Span | None:
    """The content a cue reports, following the relations the lexicon lists for its
    lemma (ccomp, xcomp, dobj, prep:for ...), then surface patterns ("X specifies that")."""
    doc = cue.doc
    relations = lexicon.content_relations(cue.lemma_.lower())
    if lexicon.kind_of.get(cue.lemma_.lower()) == "stance":
        relations = relations + STANCE_RELATIONS
    for relation in relations:
        span = dependent_content(cue, relation)
        if span is not None and len(span):
            return trim(without_aside(span, in_marks), keep_quotes=True)
    nxt = next_token(doc, cue.i + 1)
    if nxt is not None and nxt.lower_ == "that":
        end = clause_end(doc, nxt.i + 1)
        return trim(doc[nxt.i : end], keep_quotes=True)
    if nxt is not None and nxt.text == ":" and cue.pos_ in ("VERB", "NOUN"):
        return after_colon(nxt, in_marks)
    return None


def after_colon(colon: Token, in_marks: list[bool]) -> Span | None:
    """Unquoted words a cue introduces with a colon: the rest of the paragraph, however
    many sentences ("He made three points: A. B. C."), or the next paragraph when the colon
    ends the line ("She wrote:" then an unquoted paragraph). Quoted words are left to the
    direct-quote pass."""
    doc = colon.doc
    after = next_token(doc, colon.i + 1)
    if after is None or in_marks[after.i]:
        return None
    breaks = [t for t in doc[colon.i + 1 : after.i] if is_line_break(t)]
    if breaks and len(breaks[0].text.strip(" ")) > 2:
        return None  # a blank line and more: not the paragraph right after
    end = paragraph_end(doc, after.i)
    if any(in_marks[t.i] for t in doc[after.i : end]) and not breaks:
        end = clause_end(doc, after.i)  # a quote follows in the paragraph: just this clause
    content = trim(doc[after.i : end], keep_quotes=True)
    return content if len(content) else None


def paragraph_end(doc: Doc, start: int) -> int:
    """Index of the first line break at or after ``start`` (or the end of the doc)."""
    for k in range(start, len(doc)):
        if is_line_break(doc[k]):
            return k
    return len(doc)


DASHES = frozenset({"—", "–", "--"})
ASIDE_MARKS = frozenset({",", "-", "("}) | DASHES


def without_aside(span: Span, in_marks: list[bool], marks: frozenset[str] = ASIDE_MARKS
                  ) -> Span:
    """Drop a trailing non-restrictive relative clause (", which ...", "—which ..."): the
    writer's aside, not the reported content (as PolNeAR annotates it). Never inside quotes."""
    doc = span.doc
    for tok in span:
        if tok.dep_ != "relcl" or in_marks[tok.i] or tok.right_edge.i + 1 < span.end:
            continue
        before = tok.left_edge.i - 1
        if before > span.start and doc[before].text in marks:
            return doc[span.start : before]
    return span


def without_dangling_end(span: Span, in_marks: list[bool], reach: int = 6) -> Span:
    """Finish a phrase the span's last word leads into: a determiner's noun, a preposition's
    object, a conjunction's conjunct that lie after the span ('… supports the', '… world
    and') when they end within ``reach`` tokens in the same sentence; else drop such words
    with the punctuation before them. Such an end is a cut in the middle of a phrase, never a
    content boundary. Never inside quotes."""
    doc = span.doc

    def word_end(end: int) -> int:
        while end > span.start and (doc[end - 1].is_punct or doc[end - 1].is_space) and not (
                in_marks[end - 1]):
            end -= 1
        return end

    end = word_end(span.end)
    if end - span.start < 2 or in_marks[end - 1]:
        return span
    last = doc[end - 1]
    partner = _partner(last, end)
    if partner is None:
        return span
    right = partner.right_edge.i + 1
    if right - span.end <= reach and right <= last.sent.end and not any(
            in_marks[t.i] for t in doc[span.end : right]):
        return doc[span.start : right]
    while end - span.start >= 2 and not in_marks[end - 1] and _partner(doc[end - 1], end):
        end = word_end(end - 1)
    return doc[span.start : end] if end - span.start >= 2 else span


def _partner(tok: Token, end: int) -> Token | None:
    """The word at or after ``end`` that ``tok`` (a determiner, preposition or conjunction)
    leads into, or None."""
    if tok.dep_ == "det" and tok.head.i >= end:
        return tok.head
    if tok.dep_ == "prep":
        return next((c for c in tok.children if c.i >= end), None)
    if tok.dep_ == "cc":
        return next((c for c in tok.head.children if c.dep_ == "conj" and c.i >= end), None)
    return None


def noun_clause(noun: Token) -> Span | None:
    """The that-clause a reporting noun holds ("his claim [that the vote was rigged]"): a
    clausal dependent opened by the complementiser "that" (not a relative "that")."""
    doc = noun.doc
    for child in noun.rights:
        if child.dep_ not in ("acl", "ccomp", "relcl", "appos"):
            continue
        first = doc[child.left_edge.i]
        if first.lower_ == "that" and first.dep_ == "mark":
            return trim(doc[child.left_edge.i : child.right_edge.i + 1], keep_quotes=True)
    return None


def dependent_content(cue: Token, relation: str) -> Span | None:
    """The subtree of the cue's dependent named by ``relation`` ("ccomp", "prep:for"), or None.
    A content that would contain the cue itself (a parse loop) is refused."""
    doc = cue.doc
    dep, _, word = relation.partition(":")
    for child in cue.children:
        if child.dep_ != dep or (word and child.lower_ != word):
            continue
        node = child
        if word:  # the object of the preposition, not the preposition
            objs = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if not objs:
                continue
            node = objs[0]
        span = doc[node.left_edge.i : node.right_edge.i + 1]
        if dep == "oprd":  # "called him a liar": object and predicate together
            objs = [g for g in cue.children if g.dep_ == "dobj" and g.i > cue.i]
            if objs:
                span = doc[
                    min(objs[0].left_edge.i, span.start) : max(span.end, objs[0].right_edge.i + 1)
                ]
        elif dep == "dobj":  # "described X as a “disgrace”", "urged X to act": keep the complement
            for sib in cue.rights:
                if sib.i > node.i and (
                    sib.dep_ in ("oprd", "xcomp")
                    or (sib.dep_ == "prep" and sib.lower_ in ("as", "of", "for"))
                ):
                    span = doc[span.start : max(span.end, sib.right_edge.i + 1)]
        if span.start <= cue.i < span.end:
            continue
        return span
    return None


def according_to_content(phrase: Span) -> Span | None:
    """The content an "according to X" phrase sources: the longer of the clause before the
    phrase and the clause after its source noun phrase, in the phrase's sentence."""
    doc = phrase.doc
    sent = phrase.sent
    src_end = phrase.end
    pobj = [t for t in phrase[-1].children if t.dep_ == "pobj"]
    if pobj:
        src_end = source_end(pobj[0])
    before = trim(doc[sent.start : phrase.start], keep_quotes=True)
    after = trim(doc[src_end : sent.end], keep_quotes=True)
    content = after if len(after) >= len(before) else before
    return content if len(content) >= 3 else None


def whole_quotes(span: Span, in_marks: list[bool]) -> Span:
    """Widen a content that cuts a quoted passage so that it keeps both quote marks."""
    doc, start, end = span.doc, span.start, span.end
    while start > 0 and in_marks[start] and in_marks[start - 1] and doc[start].text not in "“‘":
        start -= 1
    while end < len(doc) and in_marks[end - 1] and in_marks[end] and doc[end - 1].text not in "”’":
        end += 1
    return doc[start:end]


def source_end(head: Token) -> int:
    """End of a source noun phrase, without the appositions or clauses the parser may hang
    on it ("according to X, the move reeks ..." often attaches the clause to X)."""
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "ccomp"):
            break
        end = child.right_edge.i + 1
    return end


def drop_complementiser(span: Span) -> Span:
    """Drop a leading "that" complementiser."""
    if (
        len(span)
        and span[0].lower_ in ("that",)
        and span[0].dep_ in ("mark", "nsubj", "det", "dobj")
    ):
        return trim(span.doc[span.start + 1 : span.end], keep_quotes=True)
    return span


def clause_end(doc: Doc, start: int) -> int:
    """End of the clause starting at ``start``: the sentence end, a colon/semicolon or a line."""
    sent_end = doc[start].sent.end if start < len(doc) else len(doc)
    for k in range(start, sent_end):
        if doc[k].text in (";", ":") or is_line_break(doc[k]):
            return k
    return sent_end
