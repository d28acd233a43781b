"""Quotes: direct (quote marks), indirect (cue + reported clause, "according to", colon) and
mixed (a reported clause with an embedded partial quote). Scare quotes, titles and terms are
rejected. Speakers are left to the attribution component; this one finds content and cue."""

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..docutils import is_heading, paragraph_of, trim
from ..extensions import register_extensions
from ..resources import CueLexicon, load_cue_lexicon, load_json, load_word_list
from ..types import Quote

CLAUSE_DEPS = {"ccomp", "parataxis", "advcl", "xcomp", "conj"}
NP_DEPS = {"dobj", "pobj", "attr", "nsubjpass", "oprd", "npadvmod"}
OPEN_SINGLE_CONTEXT = set(" \n—–-(“")
DASHES = {"―", "—", "–", "-", "--"}
SUBSTANCE_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "PRON"}
NON_AGENT_SUBJECTS = {"this", "that", "these", "those", "what"}


@dataclass
class QuotedSpan:
    """Characters between a pair of quote marks (marks included), as a token span."""

    span: Span
    words: int


def find_quoted_spans(doc: Doc) -> list[QuotedSpan]:
    """Pair quote marks in the normalised text. A quote left open at a paragraph end continues
    when the next paragraph opens with a quote mark (the newspaper convention)."""
    text = doc.text
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "“":
            open_at = i  # a second opener means the first was never closed: restart here
        elif ch == "”" and open_at is not None:
            pairs.append((open_at, i + 1))
            open_at = None
        elif ch == "\n" and open_at is not None:
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] == "“":
                i = j + 1  # multi-paragraph quote: skip the re-opening mark
                continue
            open_at = None
        elif ch == "‘" and open_at is None and (i == 0 or text[i - 1] in OPEN_SINGLE_CONTEXT):
            end = _close_single(text, i)
            if end is not None:
                pairs.append((i, end))
                i = end
                continue
        i += 1
    out: list[QuotedSpan] = []
    for start, end in pairs:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        words = sum(1 for t in span if t.is_alpha or t.like_num)
        out.append(QuotedSpan(span, words))
    return out


def _close_single(text: str, start: int) -> int | None:
    j = start + 1
    while j < len(text) and text[j] != "\n":
        if (
            text[j] == "’"
            and text[j - 1] != " "
            and (j + 1 == len(text) or not text[j + 1].isalpha())
        ):
            return j + 1
        j += 1
    return None


@Language.factory(
    "claimtrace_quotes",
    assigns=["doc._.quotes", "doc.spans"],
    requires=["token.dep", "token.lemma", "doc.sents"],
    default_config={
        "cue_verbs": "resources:cue_verbs.tsv",
        "derived_cues": "resources:cue_lexicon.tsv",
        "min_cue_precision": 0.25,
        "min_cue_count": 5,
        "according_to": "resources:according_to.txt",
        "quote_rules": "resources:quote_rules.json",
    },
)
def make_quotes(
    nlp: Language,
    name: str,
    cue_verbs: str,
    derived_cues: str,
    min_cue_precision: float,
    min_cue_count: int,
    according_to: str,
    quote_rules: str,
) -> "QuoteFinder":
    register_extensions()
    lexicon = load_cue_lexicon(cue_verbs, derived_cues or None, min_cue_precision, min_cue_count)
    return QuoteFinder(lexicon, load_word_list(according_to), load_json(quote_rules))


class QuoteFinder:
    """Finds quotes and their cues; see the module docstring."""

    def __init__(self, cues: CueLexicon, according_to: frozenset[str], rules: dict) -> None:
        self.cues = cues
        self.according_to = [tuple(p.split()) for p in according_to]
        self.rules = rules
        self.title_cues = frozenset(rules.get("title_cues", []))

    # --- cue tests -----------------------------------------------------------------------
    def is_cue(self, tok: Token) -> bool:
        """A reporting/belief word: a verb by lemma, or an inflected surface form that the
        tagger mistook for a noun ("specifies", "elaborates", "comments")."""
        if self.cues.kind(tok.lemma_.lower(), tok.lower_) is None or tok.dep_ == "prep":
            return False  # "regarding", "following" used as prepositions report nothing
        if tok.pos_ in ("VERB", "AUX"):
            return not self.cues.is_blocked(tok.lemma_.lower())
        if (
            tok.pos_ in ("NOUN", "PROPN", "ADJ", "ADV")
            and tok.lower_ in self.cues
            and tok.lower_ != tok.lemma_.lower()
            and tok.lower_.endswith(("s", "ed"))
        ):
            nxt = _next_token(tok.doc, tok.i + 1)
            return nxt is not None and nxt.lower_ in ("that", ":")
        return False

    def according_phrase(self, tok: Token) -> Span | None:
        """The cue span if a multi-word cue ("according to") starts at ``tok``."""
        doc = tok.doc
        for words in self.according_to:
            end = tok.i + len(words)
            if end <= len(doc) and tuple(t.lower_ for t in doc[tok.i : end]) == words:
                return doc[tok.i : end]
        return None

    # --- main ---------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        quoted = find_quoted_spans(doc)
        in_quote = [False] * len(doc)
        for q in quoted:
            for t in q.span:
                in_quote[t.i] = True
        paras = paragraph_of(doc)
        quotes: list[Quote] = []
        used_cues: set[int] = set()
        for q in quoted:
            quote = self._direct_or_mixed(q, in_quote, paras)
            if quote is not None:
                quotes.append(quote)
                if quote.cue is not None and quote.type == "mixed":
                    used_cues.add(quote.cue.start)
        covered = [False] * len(doc)
        for quote in quotes:
            for t in quote.content:
                covered[t.i] = True
        for quote in self._indirect(doc, in_quote, used_cues):
            if not any(covered[t.i] for t in quote.content):
                quotes.append(quote)
                for t in quote.content:
                    covered[t.i] = True
        quotes.sort(key=lambda q: (q.content.start, q.content.end))
        for k, quote in enumerate(quotes, 1):
            quote.id = f"Q{k}"
        doc._.quotes = quotes
        doc.spans["quotes"] = [q.content for q in quotes]
        doc.spans["cues"] = [q.cue for q in quotes if q.cue is not None]
        return doc

    # --- direct and mixed ---------------------------------------------------------------
    def _direct_or_mixed(
        self, q: QuotedSpan, in_quote: list[bool], paras: list[int]
    ) -> Quote | None:
        span, doc = q.span, q.span.doc
        if self._is_title(span):
            return None
        nxt = _next_token(doc, span.end)
        if nxt is not None and nxt.text == ":" and q.words < self.rules["min_words_embedded"]:
            return None  # a term introduced before the quote it explains
        cue, how, clause = self._governing_cue(span, in_quote)
        if cue is None:
            cue, how = self._surface_cue(span, in_quote, paras)
        if cue is None:
            cue, how = self._according_to_cue(span)
        if cue is not None:
            inner_last = doc[span.end - 2] if len(span) >= 2 else None
            inverted = (
                inner_last is not None
                and inner_last.text in ",?!"
                and 0 <= cue.start - span.end <= 8
            )
            if q.words < self.rules["min_words_cued"] and not inverted:
                return None  # '“I would,” Melanie said' is a quote however short
            if how == "syntax":
                reported = self._reported_clause(cue[0], in_quote)
                if reported is not None:
                    reported = _whole_quotes(reported, in_quote)
                    if reported.start <= span.start and reported.end >= span.end:
                        clause = reported  # the content the cue's lexicon entry points at
            if clause is not None:
                clause = _drop_complementiser(trim(clause, keep_quotes=True))
                extra = sum(
                    1 for t in clause if (t.i < span.start or t.i >= span.end) and t.is_alpha
                )
                if extra >= 3 and clause.start <= span.start:
                    content = doc[clause.start : max(clause.end, span.end)]
                    return Quote(id="", content=content, type="mixed", cue=cue, how=how)
            return Quote(id="", content=span, type="direct", cue=cue, how=how)
        starts_sentence = span.start == span.sent.start or doc[span.start - 1].is_space
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
        if q.words >= self.rules["min_words_uncued"] and has_verb:
            return Quote(id="", content=span, type="direct", how=None)
        if starts_sentence and has_verb and q.words >= self.rules["min_words_cued"]:
            return Quote(id="", content=span, type="direct", how=None)
        return None

    def _is_title(self, span: Span) -> bool:
        doc = span.doc
        k = span.start - 1
        while k >= 0 and (doc[k].is_space or doc[k].dep_ == "det" or doc[k].text in ",:"):
            k -= 1
        return k >= 0 and doc[k].lower_ in self.title_cues and len(span) <= 12

    def _governing_cue(
        self, span: Span, in_quote: list[bool]
    ) -> tuple[Token | None, str | None, Span | None]:
        """A cue outside the quote that governs it in the parse, with the clause it heads.
        The nearest speech verb on the path wins over nearer belief or derived cues ("He said
        the allies will seek measures “to …”" is his quote, not the allies')."""
        roots = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head == t]
        for root in roots:
            found: list[tuple[Token, Token]] = []
            child, node, steps = root, root.head, 0
            while steps < 6 and node != child and not in_quote[node.i]:
                if self.is_cue(node):
                    found.append((node, child))
                child, node, steps = node, node.head, steps + 1
            if not found:
                continue
            speech = [f for f in found if self.cues.kind_of.get(f[0].lemma_.lower()) == "speech"]
            node, child = (
                speech[0]
                if speech and found[0][0].lemma_.lower() not in self.cues.kind_of
                else found[0]
            )
            node, child = self._outer_cue(node, child, in_quote)
            clause = None
            if child.dep_ in CLAUSE_DEPS:
                clause = node.doc[child.left_edge.i : child.right_edge.i + 1]
                if clause.start <= node.i < clause.end:
                    clause = None
            return node.doc[node.i : node.i + 1], "syntax", clause
        return None, None, None

    def _outer_cue(self, cue: Token, child: Token, in_quote: list[bool]) -> tuple[Token, Token]:
        """'Clinton says she knows that “…”': a cue with a pronoun subject inside the clause
        of another cue reports through it; the outer cue and its speaker win."""
        while (
            cue.dep_ == "ccomp"
            and not in_quote[cue.head.i]
            and self.is_cue(cue.head)
            and any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in cue.children)
        ):
            cue, child = cue.head, cue
        return cue, child

    def _inverted_cue(self, span: Span, in_quote: list[bool]) -> Span | None:
        """'“…,” comments X' / '“…?” X asks': the quote ends with , ? ! inside its marks and a
        cue follows within a few words of the same sentence."""
        doc = span.doc
        inner_last = doc[span.end - 2] if len(span) >= 2 else None
        if inner_last is None:
            return None
        if inner_last.text == ".":
            return self._trailing_attribution(span, in_quote)
        if inner_last.text not in {",", "?", "!", "—", "..."}:
            return None
        k = span.end
        for j in range(k, min(k + 9, len(doc))):
            tok = doc[j]
            if tok.is_space or in_quote[j] or tok.text in ".;" or tok.is_sent_start and j > k:
                break
            if self.is_cue(tok) or (
                self.cues.kind(tok.lemma_.lower(), tok.lower_)
                and tok.pos_ in ("NOUN", "VERB", "PROPN")
            ):
                return doc[j : j + 1]
        return None

    def _trailing_attribution(self, span: Span, in_quote: list[bool]) -> Span | None:
        """'“… missing.” Trump said.': a bare 'X said' (at most a few words) right after a
        quote that ends its own sentence attributes that quote."""
        doc = span.doc
        tail: list[Token] = []
        for tok in doc[span.end : min(span.end + 9, len(doc))]:
            if tok.is_space and "\n" in tok.text:
                break
            tail.append(tok)
            if tok.text in ".!?":
                break
        if not tail or tail[-1].text != "." or any(in_quote[t.i] for t in tail):
            return None
        cues = [
            t
            for t in tail
            if self.is_cue(t) and not any(c.dep_ in ("ccomp", "dobj") for c in t.children)
        ]
        if len(cues) == 1 and any(t.pos_ in ("PROPN", "PRON", "NOUN") for t in tail):
            return doc[cues[0].i : cues[0].i + 1]
        return None

    def _surface_cue(
        self, span: Span, in_quote: list[bool], paras: list[int]
    ) -> tuple[Span | None, str | None]:
        """Cues the parse misses: '“…,” comments X', 'X said: “…”', 'X elaborates:' + paragraph."""
        doc = span.doc
        inverted = self._inverted_cue(span, in_quote)
        if inverted is not None:
            return inverted, "inverted"
        after = _next_token(doc, span.end)
        name = _next_token(doc, after.i + 1) if after is not None else None
        if (
            after is not None
            and after.text in DASHES
            and name is not None
            and name.pos_ == "PROPN"
            and paras[name.i] == paras[span.end - 1]
        ):
            return doc[after.i : after.i + 1], "dash"  # “…” ― Name (reader comments, epigraphs)
        prev = _prev_token(doc, span.start)
        if prev is not None and prev.text in {":", ","}:
            same_para = paras[prev.i] == paras[span.start]
            sent = prev.sent
            for tok in reversed(list(doc[sent.start : prev.i])):
                if in_quote[tok.i]:
                    continue
                phrase = self.according_phrase(tok)
                if phrase is not None:
                    return phrase, "according_to"
                if self.is_cue(tok) or self.cues.kind(tok.lemma_.lower(), tok.lower_):
                    return doc[tok.i : tok.i + 1], ("colon" if same_para else "colon_paragraph")
            if prev.text == ":" and not is_heading(sent):
                # 'X is shown lecturing: “…”': the colon introduces the subject's words
                return doc[prev.i : prev.i + 1], "colon" if same_para else "colon_paragraph"
        return None, None

    def _according_to_cue(self, span: Span) -> tuple[Span | None, str | None]:
        sent = span.sent
        for tok in sent:
            if span.start <= tok.i < span.end:
                continue
            phrase = self.according_phrase(tok)
            if phrase is not None:
                return phrase, "according_to"
        return None, None

    # --- indirect -----------------------------------------------------------------------
    def _indirect(self, doc: Doc, in_quote: list[bool], used_cues: set[int]):
        for tok in doc:
            if in_quote[tok.i] or tok.i in used_cues:
                continue
            phrase = self.according_phrase(tok)
            if phrase is not None:
                quote = self._according_to_content(phrase, in_quote)
                if quote is not None:
                    yield quote
                continue
            if not self.is_cue(tok) or self._has_non_agent_subject(tok) or _impersonal(tok):
                continue
            content = self._reported_clause(tok, in_quote)
            if content is None or len(content) < 2 or not any(t.is_alpha for t in content):
                continue
            content = _whole_quotes(content, in_quote)
            has_quote = any(in_quote[t.i] for t in content)
            if has_quote and (self._only_a_term(content, in_quote)
                              or self._unsourced_label(tok, content, in_quote)):
                continue
            yield Quote(
                id="",
                content=content,
                type="mixed" if has_quote else "indirect",
                cue=doc[tok.i : tok.i + 1],
                how="syntax",
            )

    def _only_a_term(self, content: Span, in_quote: list[bool]) -> bool:
        """'mentions a “flag effect”', 'what she calls a “blue corridor”', 'the term “load
        rating”': a short quoted term, named or introduced, and nothing else of substance."""
        doc = content.doc
        for t in content:
            if t.text in ("“", "‘") and t.i > 0 and doc[t.i - 1].lower_ in self.title_cues:
                return True
        quoted = sum(1 for t in content if in_quote[t.i] and t.is_alpha)
        rest = sum(
            1
            for t in content
            if not in_quote[t.i]
            and t.pos_ in SUBSTANCE_POS
            and t.lower_ not in ("what", "which", "who", "whom")
        )
        return rest == 0 and quoted < self.rules["min_words_cued"]

    def _unsourced_label(self, cue: Token, content: Span, in_quote: list[bool]) -> bool:
        """'what was first described as a “temporary” closure': a passive cue with no agent
        whose content is a phrase around a short quoted word is a scare-quoted label, not
        anyone's reported words."""
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in cue.children)
        if not passive or any(c.dep_ == "agent" for c in cue.children):
            return False
        quoted = sum(1 for t in content if in_quote[t.i] and t.is_alpha)
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in content if not in_quote[t.i])
        return not has_verb and quoted < self.rules["min_words_cued"]

    @staticmethod
    def _has_non_agent_subject(cue: Token) -> bool:
        """'This explains why ...': a demonstrative subject reports no one's words."""
        return any(c.dep_ == "nsubj" and c.lower_ in NON_AGENT_SUBJECTS for c in cue.children)

    def _reported_clause(self, cue: Token, in_quote: list[bool]) -> Span | None:
        """The content a cue reports, following the relations the lexicon lists for its
        lemma (ccomp, xcomp, dobj, prep:for ...), then surface patterns ("X specifies that")."""
        doc = cue.doc
        for relation in self.cues.content_relations(cue.lemma_.lower()):
            span = _dependent_content(cue, relation)
            if span is not None and len(span):
                return _drop_complementiser(trim(span, keep_quotes=True))
        nxt = _next_token(doc, cue.i + 1)
        if nxt is not None and nxt.lower_ == "that":
            end = _clause_end(doc, nxt.i + 1)
            return trim(doc[nxt.i + 1 : end], keep_quotes=True)
        if nxt is not None and nxt.text == ":" and cue.pos_ in ("VERB", "NOUN"):
            after = _next_token(doc, nxt.i + 1)
            if after is not None and after.sent == cue.sent and not in_quote[after.i]:
                end = _clause_end(doc, after.i)
                return trim(doc[after.i : end], keep_quotes=True)
        return None

    def _according_to_content(self, phrase: Span, in_quote: list[bool]) -> Quote | None:
        doc = phrase.doc
        sent = phrase.sent
        src_end = phrase.end
        pobj = [t for t in phrase[-1].children if t.dep_ == "pobj"]
        if pobj:
            src_end = _source_end(pobj[0])
        before = trim(doc[sent.start : phrase.start], keep_quotes=True)
        after = trim(doc[src_end : sent.end], keep_quotes=True)
        content = after if len(after) >= len(before) else before
        if len(content) < 3:
            return None
        has_quote = any(in_quote[t.i] for t in content)
        if has_quote and all(in_quote[t.i] for t in content):
            return None  # the direct-quote pass owns it
        return Quote(
            id="",
            content=content,
            type="mixed" if has_quote else "indirect",
            cue=phrase,
            how="according_to",
        )


def _dependent_content(cue: Token, relation: str) -> Span | None:
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


def _impersonal(cue: Token) -> bool:
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


def _whole_quotes(span: Span, in_quote: list[bool]) -> Span:
    """Widen a content that cuts a quoted passage so that it keeps both quote marks."""
    doc, start, end = span.doc, span.start, span.end
    while start > 0 and in_quote[start] and in_quote[start - 1] and doc[start].text not in "“‘":
        start -= 1
    while end < len(doc) and in_quote[end - 1] and in_quote[end] and doc[end - 1].text not in "”’":
        end += 1
    return doc[start:end]


def _source_end(head: Token) -> int:
    """End of a source noun phrase, without the appositions or clauses the parser may hang
    on it ("according to X, the move reeks ..." often attaches the clause to X)."""
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "ccomp"):
            break
        end = child.right_edge.i + 1
    return end


def _drop_complementiser(span: Span) -> Span:
    if (
        len(span)
        and span[0].lower_ in ("that",)
        and span[0].dep_ in ("mark", "nsubj", "det", "dobj")
    ):
        return trim(span.doc[span.start + 1 : span.end], keep_quotes=True)
    return span


def _clause_end(doc: Doc, start: int) -> int:
    """End of the clause starting at ``start``: the sentence end, a colon/semicolon or a line."""
    sent_end = doc[start].sent.end if start < len(doc) else len(doc)
    for k in range(start, sent_end):
        if doc[k].text in (";", ":") or "\n" in doc[k].text:
            return k
    return sent_end


def _next_token(doc: Doc, i: int) -> Token | None:
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


def _prev_token(doc: Doc, i: int) -> Token | None:
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i] if i >= 0 else None
