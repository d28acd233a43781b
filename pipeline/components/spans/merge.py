"""Combining the tagger's attributions with the rule stage's candidates, each where it is
stronger (measured on PolNeAR dev, docs/evaluation.md):

- a tagged attribution that overlaps one rule candidate of a type in ``replace`` gives it
  the tagger's content boundaries (and fragments); a direct quote only takes them when
  the tagger extends it ('Kaine “has a passion …”' is mixed, not the quote alone). The rule
  candidate keeps its cue and how it was found, which attribution needs for the speaker;
- one overlapping several rule candidates leaves their boundaries as they are (the rules
  split "X specifies that A: “B”" into two attributions on purpose); when they are all
  direct quotes the tagger's grouping joins them into one attribution ('“A,” she said.
  “B.”');
- the tagger's attributions the rules missed are added when their mean tag probability
  reaches ``min_confidence`` (``min_indirect_confidence`` for reported speech, which the
  verifier checks after) and the rules' filters (scare quotes, terms, titles, cues
  that report nobody) do not reject them;
- rule candidates the tagger does not see stay, except indirect ones whose words the
  tagger confidently puts outside any attribution (``drop_below``);
- a tagged attribution whose pieces another rule cue separates ('“A,” she said, adding that
  B') is split there, each part with its own cue;
- a reported content that ends in the middle of a phrase ('… in the') is finished or cut back
  (``without_dangling_end``);
- a tagged content fragment after its cue that holds the cue's subject is the source, not
  content ('A, argues this commentary from the newspaper “B”'), and is left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc, Span

from ...types import CueKind, Quote, QuoteType
from ..quotes.content import DASHES, without_aside, without_dangling_end
from .features import LABELS
from .link import Attribution, Chunk, span

OUTSIDE = LABELS.index("O")
# A fragment needs one of these (a lone "the" or "," tagged as content is dropped).
CONTENT_POS = {"NOUN", "PROPN", "PRON", "VERB", "AUX", "ADJ", "NUM", "ADV", "X", "INTJ"}
QUOTE_MARKS = frozenset("“”‘’\"")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})  # a cue's speaker, never its content


@dataclass(frozen=True)
class MergeSettings:
    """How rule candidates and tagged attributions are combined (component settings)."""

    replace: tuple[str, ...] = ("indirect", "mixed")
    min_confidence: float = 0.6
    drop_below: float = 0.5  # drop a lone indirect rule candidate if P(inside) is below
    min_fragment_confidence: float = 0.8  # of several fragments, keep those this sure
    own_cue_confidence: float = 0.3  # the tagger's cue replaces a disagreeing rule cue
    # the floor for tagger-only reported speech (no quote marks) where the verifier decides
    # after (None: min_confidence for every type)
    min_indirect_confidence: float | None = None


@dataclass
class Candidate:
    """A quote candidate with the hints attribution may use: the tagged source span and
    the group of fragments it belongs to (fragments of one attribution share a group)."""

    quote: Quote
    source: Span | None = None
    group: int | None = None
    origin: str = "rule"  # "rule", "both" (rule candidate, tagged boundaries) or "tagger"


def quote_type(pieces: list[Span], in_marks: list[bool]) -> QuoteType:
    """Of an attribution's content fragments together: direct when every word is inside
    quote marks, mixed when some are, else indirect (as the evaluator infers gold types)."""
    inside = [in_marks[t.i] for piece in pieces for t in piece
              if not t.is_space and not (t.is_punct and t.text not in QUOTE_MARKS)]
    if inside and all(inside):
        return QuoteType.DIRECT
    return QuoteType.MIXED if any(inside) else QuoteType.INDIRECT


def _overlaps(a: Span | Chunk, b: Span | Chunk) -> bool:
    return a.start < b.end and b.start < a.end


def merge(doc: Doc, rules: list[Quote], found: list[Attribution], probs: np.ndarray,
          in_marks: list[bool], settings: MergeSettings,
          rejected: Callable[[Quote], bool] = lambda q: False) -> list[Candidate]:
    """The combined candidates, in text order, without overlapping contents. ``rejected``
    applies the rule stage's filters to a candidate only the tagger found."""
    hits = [[r for r, rule in enumerate(rules) if any(_overlaps(rule.content, c)
                                                      for c in att.contents)]
            for att in found]
    replaced: dict[int, Attribution] = {}
    dropped: set[int] = set()  # rule candidates inside a tagged attribution that replaced one
    joined: dict[int, int] = {}  # rule candidate -> the first quote of the tagged group
    used: set[int] = set()
    for k, att in enumerate(found):
        if not hits[k]:
            continue
        used.add(k)
        if len(hits[k]) > 1:
            if len({_cue_start(rules[r]) for r in hits[k]}) == 1 and _same_cue(
                    rules[hits[k][0]], att):
                # the tagger's cue, several rule candidates: the rules split "X specifies that
                # A: “B”" on purpose; direct quotes of one cue form one attribution ('“A,” he
                # said, “B.”')
                if all(rules[r].type == QuoteType.DIRECT for r in hits[k]):
                    for r in hits[k][1:]:
                        joined.setdefault(r, hits[k][0])
                continue
            # nested or split differently: the tagger's attribution, with the cue of the rule
            # candidate whose cue it shares (else the one it overlaps most)
            best = max(hits[k], key=lambda r: (_same_cue(rules[r], att), _shared(rules[r], att)))
            if best not in replaced:
                replaced[best] = att
                dropped.update(r for r in hits[k] if r != best)
            continue
        r = hits[k][0]
        if (str(rules[r].type) in settings.replace or _extends(att, rules[r])) and (
                r not in replaced):
            replaced[r] = att
    out: list[Candidate] = []
    group = 0
    group_of: dict[int, int] = {}
    for r, rule in enumerate(rules):
        att = replaced.get(r)
        if r in dropped and att is None:
            continue
        if att is None:
            lone = not any(r in h for h in hits)
            if lone and _drop_lone(rule, probs, settings):
                continue
            if r in joined or r in joined.values():
                first = joined.get(r, r)
                if first not in group_of:
                    group += 1
                    group_of[first] = group
                out.append(Candidate(rule, group=group_of[first]))
            else:
                out.append(Candidate(rule))
            continue
        cue, how = rule.cue, rule.how
        if str(rule.type) in settings.replace and att.cue is not None and not _same_cue(
                rule, att) and att.cue.confidence >= settings.own_cue_confidence:
            cue, how = _tagged_cue(doc, att)  # the tagger is sure of another (outer) cue
        pieces = _content_only(_pieces(doc, att, settings, in_marks), cue)
        if not pieces:
            out.append(Candidate(rule))
            continue
        group += 1
        type_ = quote_type(pieces, in_marks)
        # a direct quote the tagger extends keeps its cue; the tagged source, which names the
        # speaker of another cue, does not apply to it then
        other_cue = cue is not None and att.cue is not None and not _overlaps(cue, att.cue)
        source = None if rule.type == QuoteType.DIRECT and other_cue else span(doc, att.source)
        runs = _runs(pieces, cue, rules)
        for run, own in runs:
            if own is not None:  # '“A,” she said, adding that B': B is its own attribution
                group += 1
                cue, how, source = own.cue, own.how, None
            if len(runs) > 1:
                type_ = quote_type(run, in_marks)
            for piece in run:
                out.append(Candidate(Quote(id="", content=piece, type=type_, cue=cue, how=how),
                                     source=source, group=group, origin="both"))
    for k, att in enumerate(found):
        if k in used or hits[k] or att.cue is None:
            continue
        cue, how = _tagged_cue(doc, att)
        pieces = _content_only(_pieces(doc, att, settings, in_marks), cue)
        if not pieces:
            continue
        type_ = quote_type(pieces, in_marks)
        floor = settings.min_confidence
        if type_ == QuoteType.INDIRECT and settings.min_indirect_confidence is not None:
            floor = settings.min_indirect_confidence
        if att.confidence < floor:
            continue
        quotes = [Quote(id="", content=p, type=type_, cue=cue, how=how) for p in pieces]
        if any(rejected(q) for q in quotes):
            continue
        group += 1
        out.extend(Candidate(q, source=span(doc, att.source), group=group, origin="tagger")
                   for q in quotes)
    for cand in out:
        if cand.quote.type != QuoteType.DIRECT:
            content = without_dangling_end(cand.quote.content, in_marks)
            if content != cand.quote.content:
                cand.quote = dataclasses.replace(cand.quote, content=content)
    return _without_overlaps(out)


def _runs(pieces: list[Span], cue: Span | None, rules: list[Quote]
          ) -> list[tuple[list[Span], Quote | None]]:
    """The pieces of one tagged attribution, split where a rule candidate's cue (another
    than the attribution's) lies between two pieces and the rules give the later piece to it
    ('“A,” she said, adding that B': the tagger ran two attributions of one speaker
    together). Each run after the first comes with that rule candidate."""
    runs: list[tuple[list[Span], Quote | None]] = [([pieces[0]], None)] if pieces else []
    for before, piece in zip(pieces, pieces[1:], strict=False):
        own = next((r for r in rules if r.cue is not None
                    and not (cue is not None and _overlaps(r.cue, cue))
                    and before.end <= r.cue.start and r.cue.end <= piece.start
                    and _overlaps(r.content, piece)), None)
        if own is None:
            runs[-1][0].append(piece)
        else:
            runs.append(([piece], own))
    return runs


def _tagged_cue(doc: Doc, att: Attribution) -> tuple[Span, CueKind]:
    cue = doc[att.cue.start : att.cue.end]
    return cue, CueKind.ACCORDING_TO if cue[0].lower_ == "according" else CueKind.SYNTAX


def _cue_start(rule: Quote) -> int | None:
    return None if rule.cue is None else rule.cue.start


def _same_cue(rule: Quote, att: Attribution) -> bool:
    return rule.cue is not None and att.cue is not None and _overlaps(rule.cue, att.cue)


def _shared(rule: Quote, att: Attribution) -> int:
    content = rule.content
    return sum(max(0, min(content.end, c.end) - max(content.start, c.start))
               for c in att.contents)


def _pieces(doc: Doc, att: Attribution, settings: MergeSettings,
            in_marks: list[bool]) -> list[Span]:
    """The content fragments as tagged (inner punctuation kept: PolNeAR's fragment
    boundaries are what the tagger learned) without a trailing aside after a dash ("—which
    means ..."); of several, the unsure ones are left out."""
    parts = att.contents
    if len(parts) > 1:
        sure = [c for c in parts if c.confidence >= settings.min_fragment_confidence]
        parts = sure or [max(parts, key=lambda c: c.confidence)]
    pieces = [without_aside(doc[c.start : c.end], in_marks, DASHES) for c in parts]
    return [p for p in pieces if any(t.pos_ in CONTENT_POS for t in p)]


def _content_only(pieces: list[Span], cue: Span | None) -> list[Span]:
    """Content fragments without one that follows its cue and holds the cue's subject: in
    "A, argues this commentary from the newspaper “B”" the words after the cue are its source,
    however sure the tagger is that they are content."""
    if cue is None:
        return pieces
    subjects = [c.i for t in cue for c in t.children if c.dep_ in SUBJECT_DEPS]
    return [p for p in pieces if not (p.start >= cue.end
                                      and any(p.start <= i < p.end for i in subjects))]


def _extends(att: Attribution, rule: Quote) -> bool:
    """One tagged fragment holds all of the rule's content and words before it: the tagger
    extends a quote to the clause that leads into it ('Kaine “has a passion …”' is a mixed
    attribution, not the direct quote alone). Not when those words hold the speaker of the
    rule's cue ('The plan was described by the mayor as “…”')."""
    content = rule.content
    speaker = set()
    if rule.cue is not None:
        for child in rule.cue.root.children:
            if child.dep_ == "agent":
                speaker.update(t.i for t in child.subtree)
    return any(c.start < content.start and content.end <= c.end
               and not speaker & set(range(c.start, content.start)) for c in att.contents)


def _drop_lone(rule: Quote, probs: np.ndarray, settings: MergeSettings) -> bool:
    if settings.drop_below <= 0 or rule.type != QuoteType.INDIRECT:
        return False
    if rule.cue is not None and rule.content.end <= rule.cue.start:
        return False  # '…, argues this commentary': content before its cue is kept
    inside = 1.0 - probs[rule.content.start : rule.content.end, OUTSIDE]
    words = [i for i, t in enumerate(rule.content) if not t.is_space]
    return bool(words) and float(inside[words].mean()) < settings.drop_below


def _without_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Text order; a candidate overlapping an earlier kept one is dropped."""
    cands.sort(key=lambda c: (c.quote.content.start, -c.quote.content.end))
    kept: list[Candidate] = []
    end = -1
    for cand in cands:
        if cand.quote.content.start < end:
            continue
        kept.append(cand)
        end = cand.quote.content.end
    return kept
