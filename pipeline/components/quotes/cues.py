"""Finding the cue of a quote: reporting and belief words by lemma and surface form,
"according to" phrases, the cue that governs a quote in the parse, and the surface patterns
the parse misses ('“…,” comments X', 'X said: “…”', '“…” ― Name')."""

from __future__ import annotations

from spacy.tokens import Span, Token

from ...docutils import is_line_break, next_token, prev_token
from ...resources import CueLexicon
from ...types import CueKind
from ..structure import DocIndex

CLAUSE_DEPS = {"ccomp", "parataxis", "advcl", "xcomp", "conj"}
DASHES = {"―", "—", "–", "-", "--"}
# Last word inside the marks of a quote whose sentence goes on after it: '“…,” X said'.
OPEN_ENDINGS = {",", "?", "!", "—", "..."}
INVERTED_WINDOW = 8  # tokens between the closing mark and an inverted cue, at most


def ending(span: Span) -> str | None:
    """The last token inside a quoted span's marks, as text (None for a bare mark)."""
    return span.doc[span.end - 2].text if len(span) >= 2 else None


def is_inverted(span: Span, cue: Span) -> bool:
    """'“…,” comments X' / '“…?” X asks': the quote ends open and its cue follows closely."""
    return ending(span) in OPEN_ENDINGS and 0 <= cue.start - span.end <= INVERTED_WINDOW


class CueMatcher:
    """Cue tests over a cue lexicon and the multi-word "according to" phrases."""

    def __init__(self, lexicon: CueLexicon, according_to: frozenset[str],
                 nouns: frozenset[str] = frozenset()) -> None:
        self.lexicon = lexicon
        self.nouns = nouns
        self.according_to = [tuple(p.split()) for p in sorted(according_to)]
        self._first_words = {words[0] for words in self.according_to if words}

    def is_cue(self, tok: Token) -> bool:
        """A reporting/belief word: a verb by lemma, or an inflected surface form that the
        tagger mistook for a noun ("specifies", "elaborates", "comments")."""
        if self.lexicon.kind(tok.lemma_.lower(), tok.lower_) is None or tok.dep_ == "prep":
            return False  # "regarding", "following" used as prepositions report nothing
        if tok.pos_ in ("VERB", "AUX"):
            return not self.lexicon.is_blocked(tok.lemma_.lower())
        if (
            tok.pos_ in ("NOUN", "PROPN", "ADJ", "ADV")
            and tok.lower_ in self.lexicon
            and tok.lower_ != tok.lemma_.lower()
            and tok.lower_.endswith(("s", "ed"))
        ):
            nxt = next_token(tok.doc, tok.i + 1)
            return nxt is not None and nxt.lower_ in ("that", ":")
        return False

    def is_noun_cue(self, tok: Token) -> bool:
        """A reporting noun ("claim", "warning", "belief") used as a noun."""
        return tok.pos_ == "NOUN" and tok.lemma_.lower() in self.nouns

    def is_word(self, tok: Token) -> bool:
        """In the lexicon at all (by lemma or surface form), whatever the parse says."""
        return self.lexicon.kind(tok.lemma_.lower(), tok.lower_) is not None

    def is_speech(self, tok: Token) -> bool:
        return self.lexicon.kind_of.get(tok.lemma_.lower()) == "speech"

    def according_phrase(self, tok: Token) -> Span | None:
        """The cue span if a multi-word cue ("according to") starts at ``tok``."""
        if tok.lower_ not in self._first_words:  # most tokens: no phrase starts here
            return None
        doc = tok.doc
        for words in self.according_to:
            end = tok.i + len(words)
            if end <= len(doc) and tuple(t.lower_ for t in doc[tok.i : end]) == words:
                return doc[tok.i : end]
        return None

    # --- cues of a quoted span ------------------------------------------------------------
    def governing(self, span: Span, index: DocIndex) -> tuple[Span | None, Span | None]:
        """A cue outside the quote that governs it in the parse, with the clause it heads.
        The nearest speech verb on the path wins over nearer belief or derived cues ("He said
        the allies will seek measures “to …”" is his quote, not the allies')."""
        in_marks = index.in_marks
        roots = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head == t]
        for root in roots:
            found: list[tuple[Token, Token]] = []
            child, node, steps = root, root.head, 0
            while steps < 6 and node != child and not in_marks[node.i]:
                if self.is_cue(node):
                    found.append((node, child))
                child, node, steps = node, node.head, steps + 1
            if not found:
                continue
            speech = [f for f in found if self.is_speech(f[0])]
            node, child = (
                speech[0]
                if speech and found[0][0].lemma_.lower() not in self.lexicon.kind_of
                else found[0]
            )
            node, child = self.outer(node, child, index)
            clause = None
            if child.dep_ in CLAUSE_DEPS:
                clause = node.doc[child.left_edge.i : child.right_edge.i + 1]
                if clause.start <= node.i < clause.end:
                    clause = None
            return node.doc[node.i : node.i + 1], clause
        return None, None

    def outer(self, cue: Token, child: Token, index: DocIndex) -> tuple[Token, Token]:
        """'Clinton says she knows that “…”' (also '… she hopes …, but she knows that “…”'):
        a cue with a pronoun subject inside the clause of another cue reports through it;
        the outer cue and its speaker win, as PolNeAR annotates nested attributions."""
        while True:
            up = cue
            while up.dep_ == "conj" and self.is_cue(up.head) and not index.in_marks[up.head.i]:
                up = up.head
            if (
                up.dep_ == "ccomp"
                and not index.in_marks[up.head.i]
                and self.is_cue(up.head)
                and any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in cue.children)
            ):
                cue, child = up.head, up
                continue
            return cue, child

    def surface(self, span: Span, index: DocIndex) -> tuple[Span | None, CueKind | None]:
        """Cues the parse misses: '“…,” comments X', 'X said: “…”', 'X elaborates:' +
        paragraph, '“…” ― Name'."""
        doc, paras = span.doc, index.paragraph
        inverted = self._inverted(span, index)
        if inverted is not None:
            return inverted, CueKind.INVERTED
        after = next_token(doc, span.end)
        name = next_token(doc, after.i + 1) if after is not None else None
        if (
            after is not None
            and after.text in DASHES
            and name is not None
            and name.pos_ == "PROPN"
            and paras[name.i] == paras[span.end - 1]
        ):
            return doc[after.i : after.i + 1], CueKind.DASH
        prev = prev_token(doc, span.start)
        if prev is not None and prev.text in {":", ","}:
            colon = CueKind.COLON if paras[prev.i] == paras[span.start] else CueKind.COLON_PARAGRAPH
            sent = prev.sent
            for tok in reversed(list(doc[sent.start : prev.i])):
                if index.in_marks[tok.i]:
                    continue
                phrase = self.according_phrase(tok)
                if phrase is not None:
                    return phrase, CueKind.ACCORDING_TO
                if self.is_cue(tok) or self.is_word(tok):
                    return doc[tok.i : tok.i + 1], colon
            if prev.text == ":" and not index.in_heading(prev.i):
                # 'X is shown lecturing: “…”': the colon introduces the subject's words
                return doc[prev.i : prev.i + 1], colon
        return None, None

    def _inverted(self, span: Span, index: DocIndex) -> Span | None:
        """'“…,” comments X' / '“…?” X asks': the quote ends with , ? ! inside its marks and a
        cue follows within a few words of the same sentence."""
        doc = span.doc
        last = ending(span)
        if last == ".":
            return self._trailing(span, index)
        if last not in OPEN_ENDINGS:
            return None
        k = span.end
        for j in range(k, min(k + INVERTED_WINDOW + 1, len(doc))):
            tok = doc[j]
            if tok.is_space or index.in_marks[j] or tok.text in ".;" or tok.is_sent_start and j > k:
                break
            if self.is_cue(tok) or (self.is_word(tok) and tok.pos_ in ("NOUN", "VERB", "PROPN")):
                return doc[j : j + 1]
        return None

    def _trailing(self, span: Span, index: DocIndex) -> Span | None:
        """'“… missing.” Trump said.': a bare 'X said' (at most a few words) right after a
        quote that ends its own sentence attributes that quote."""
        doc = span.doc
        tail: list[Token] = []
        for tok in doc[span.end : min(span.end + 9, len(doc))]:
            if is_line_break(tok):
                break
            tail.append(tok)
            if tok.text in ".!?":
                break
        if not tail or tail[-1].text != "." or any(index.in_marks[t.i] for t in tail):
            return None
        cues = [
            t
            for t in tail
            if self.is_cue(t) and not any(c.dep_ in ("ccomp", "dobj") for c in t.children)
        ]
        if len(cues) == 1 and any(t.pos_ in ("PROPN", "PRON", "NOUN") for t in tail):
            return doc[cues[0].i : cues[0].i + 1]
        return None

    def according_to_in_sentence(self, span: Span) -> Span | None:
        """An "according to" phrase anywhere in the quote's sentence, outside the quote."""
        for tok in span.sent:
            if span.start <= tok.i < span.end:
                continue
            phrase = self.according_phrase(tok)
            if phrase is not None:
                return phrase
        return None
