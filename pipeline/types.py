"""What the pipeline finds, as typed, read-only views over a ``Doc``.

The Doc stores results as span groups and plain extension values (``pipeline.extensions``),
which is what spaCy serialises; ``doc._.actors``, ``doc._.quotes`` and ``doc._.claims`` build
these views from that storage, and assigning a list of them writes the storage. The views are
frozen: change one with ``dataclasses.replace`` and assign the list again.

Spans are over the *normalised* text (``doc.text``); ``pipeline.record`` maps them back to
offsets into the original input when serialising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from spacy.tokens import Span


class ActorType(StrEnum):
    PERSON = "PERSON"
    ORG = "ORG"
    GPE = "GPE"
    NORP = "NORP"
    GROUP = "GROUP"


class MentionKind(StrEnum):
    NAME = "name"
    PRONOUN = "pronoun"
    NOMINAL = "nominal"


class QuoteType(StrEnum):
    DIRECT = "direct"  # all quoted
    INDIRECT = "indirect"  # reported, no quote marks
    MIXED = "mixed"  # reported with an embedded partial quote


class CueKind(StrEnum):
    """How a quote's cue was found (``Quote.how``); attribution picks the speaker by it."""

    SYNTAX = "syntax"  # the cue governs the content in the parse: "X said (that) ..."
    INVERTED = "inverted"  # "“…,” comments X" / "“…” X said."
    DASH = "dash"  # "“…” ― Name" (reader comments, epigraphs)
    COLON = "colon"  # "X said: “…”" in one paragraph
    COLON_PARAGRAPH = "colon_paragraph"  # "X elaborates:" then the quote in the next paragraph
    ACCORDING_TO = "according_to"  # "according to X"
    NOUN = "noun"  # a reporting noun with a that-clause: "his claim that ...", "a warning that"


class Resolution(StrEnum):
    """How a quote's speaker was decided (``Speaker.resolution``, schema field)."""

    CUE_SUBJECT = "cue_subject"  # subject of the reporting verb: "X said ..."
    INVERTED_SUBJECT = "inverted_subject"  # "'...,' comments X"
    ACCORDING_TO = "according_to"  # "according to X"
    COLON_INTRODUCER = "colon_introducer"  # "X elaborates:" then the quote
    CONTINUATION = "continuation"  # no cue of its own: continues the previous speaker
    PRONOUN = "pronoun"  # he/she/they resolved to a recent compatible actor
    NOMINAL = "nominal"  # "the academic" resolved by role words
    UNRESOLVED = "unresolved"  # a speaker mention was found but no actor matched


ACTOR_TYPES = tuple(t.value for t in ActorType)
QUOTE_TYPES = tuple(t.value for t in QuoteType)
RESOLUTIONS = tuple(r.value for r in Resolution)
STANCE_LABELS = ("favor", "against", "neutral")
ACTOR_STANCE_LABELS = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Actor:
    """A canonical actor: mentions of one person, organisation, place or group.

    ``mentions`` keep the order they were found in (label: the ``MentionKind``)."""

    id: str
    name: str
    type: ActorType
    mentions: tuple[Span, ...] = ()
    roles: tuple[Span, ...] = ()
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to and how that was decided."""

    mention: Span | None
    actor_id: str | None
    resolution: Resolution


@dataclass(frozen=True)
class Quote:
    """Attributed content: a direct quote, an indirect (reported) clause or a mixed one."""

    id: str
    content: Span
    type: QuoteType
    cue: Span | None = None
    speaker: Speaker | None = None
    # How the cue was found; None exactly when there is no cue.
    how: CueKind | None = None
    # Id of the quote this one continues (same speaker, no cue of its own, or the same cue):
    # together they form one attribution, as "“A,” she said. “B.”" does in PolNeAR.
    continues: str | None = None


@dataclass(frozen=True)
class Stance:
    """A claim's stance toward one configured target."""

    target: str
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    # Cosine of claim context and target from the relevance gate (None when the gate is off);
    # gated = below the threshold, so labelled neutral without running the classifier.
    relevance: float | None = None
    gated: bool = False
    # Which stage decided: "gate", "first-pass" or "cross-encoder" (None in older records).
    method: str | None = None


@dataclass(frozen=True)
class ActorStance:
    """A claim's sentiment toward one actor it mentions."""

    actor_id: str
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    method: str = "cross-encoder"  # or "first-pass": which stage decided (as Stance.method)


@dataclass(frozen=True)
class Claim:
    """One attributed proposition (a sentence of quoted content or an indirect clause).

    ``speaker`` and ``cue`` are those of the quote ``quote_id``; ``stance``/``actor_stance``
    are None until the stance component scores the claim."""

    id: str
    span: Span
    quote_id: str
    type: QuoteType
    speaker: Speaker | None = None
    cue: Span | None = None
    stance: tuple[Stance, ...] | None = None
    actor_stance: tuple[ActorStance, ...] | None = None
