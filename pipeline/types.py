"""Result records that the pipeline components attach to a ``Doc``.

Spans are spaCy spans over the *normalised* text (``doc.text``); ``pipeline.record`` maps them
back to offsets into the original input when serialising. Components fill these in order:
actors -> quotes -> attribution (``Quote.speaker``) -> claims -> stance (``Claim.stance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP", "GROUP")
QUOTE_TYPES = ("direct", "indirect", "mixed")
RESOLUTIONS = (
    "cue_subject",  # subject of the reporting verb: "X said ..."
    "inverted_subject",  # "'...,' comments X"
    "according_to",  # "according to X"
    "colon_introducer",  # "X elaborates:" then the quote (same or next paragraph)
    "continuation",  # quote with no cue of its own, continuing the previous speaker
    "pronoun",  # he/she/they resolved to a recent compatible actor
    "nominal",  # "the academic" resolved by role words
    "unresolved",  # a speaker mention was found but no actor matched
)
STANCE_LABELS = ("favor", "against", "neutral")
ACTOR_STANCE_LABELS = ("positive", "negative", "neutral")


@dataclass
class Actor:
    """A canonical actor: mentions of one person, organisation, place or group."""

    id: str
    name: str
    type: str
    mentions: list[Span] = field(default_factory=list)
    roles: list[Span] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)


@dataclass
class Speaker:
    """Who a quote is attributed to and how that was decided."""

    mention: Span | None
    actor_id: str | None
    resolution: str


@dataclass
class Quote:
    """Attributed content: a direct quote, an indirect (reported) clause or a mixed one."""

    id: str
    content: Span
    type: str
    cue: Span | None = None
    speaker: Speaker | None = None
    # How the cue was found ("syntax", "inverted", "colon", "colon_paragraph", "according_to",
    # "that_clause"); attribution uses it to pick the speaker. Not serialised.
    how: str | None = None
    # Id of the quote this one continues (same speaker, no cue of its own, or the same cue):
    # together they form one attribution, as "“A,” she said. “B.”" does in PolNeAR.
    continues: str | None = None


@dataclass
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


@dataclass
class ActorStance:
    """A claim's sentiment toward one actor it mentions."""

    actor_id: str
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Claim:
    """One attributed proposition (a sentence of quoted content or an indirect clause)."""

    id: str
    span: Span
    quote_id: str
    type: str
    speaker: Speaker | None = None
    cue: Span | None = None
    stance: list[Stance] | None = None
    actor_stance: list[ActorStance] | None = None
