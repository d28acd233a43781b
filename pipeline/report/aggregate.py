"""Corpus statistics gathered in one streaming pass: memory grows with the number of distinct
speakers, targets and actors, never with the number of articles' texts.

Speakers are counted by canonical name (``speaker.name``) across articles: the pipeline's actor
ids are per article, names are what a reader can compare. Quotes whose speaker has no name count
as "no named speaker". Stance counts leave out gated pairs (off-topic: neutral without scoring),
which are counted separately.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.report.records import objects

QUOTE_TYPES = ("direct", "mixed", "indirect")
STANCE_LABELS = ("favor", "against", "neutral")
SENTIMENT_LABELS = ("positive", "negative", "neutral")
NO_SPEAKER = "(no named speaker)"


@dataclass
class SpeakerStats:
    """Everything one speaker (by name) said in the corpus."""

    name: str
    actor_type: str = ""
    quotes: Counter = field(default_factory=Counter)
    claims: int = 0
    articles: int = 0
    last_article: int = -1
    stance: Counter = field(default_factory=Counter)

    @property
    def total_quotes(self) -> int:
        return sum(self.quotes.values())


@dataclass
class CorpusStats:
    """Counts over every record of an annotated file."""

    records: int = 0
    articles: int = 0
    errors: Counter = field(default_factory=Counter)
    duplicate_ids: int = 0
    characters: int = 0
    quote_types: Counter = field(default_factory=Counter)
    resolutions: Counter = field(default_factory=Counter)
    claims: int = 0
    claims_with_stance: int = 0
    actors: int = 0
    speakers: dict[str, SpeakerStats] = field(default_factory=dict)
    # (speaker, target) -> Counter of favor/against/neutral/gated
    stance: dict[tuple[str, str], Counter] = field(default_factory=dict)
    targets: Counter = field(default_factory=Counter)
    # (speaker, actor name) -> Counter of positive/negative/neutral
    sentiment: dict[tuple[str, str], Counter] = field(default_factory=dict)
    article_rows: list[list[Any]] = field(default_factory=list)
    _seen_ids: set[str] = field(default_factory=set)

    def add(self, record: dict) -> None:
        """Count one record (an article or an error record)."""
        self.records += 1
        doc_id = str(record.get("id"))
        if doc_id in self._seen_ids:
            self.duplicate_ids += 1
        self._seen_ids.add(doc_id)
        if "error" in record:
            self.errors[str((record.get("error") or {}).get("code", "?"))] += 1
            return
        index = self.articles
        self.articles += 1
        self.characters += len(record.get("text", ""))
        actors = {str(a.get("id")): a for a in objects(record.get("actors"))}
        self.actors += len(actors)
        speakers_here: Counter = Counter()
        for quote in objects(record.get("quotes")):
            speakers_here[self._count_quote(quote, actors, index)] += 1
        favor = against = 0
        claims = objects(record.get("claims"))
        for claim in claims:
            labels = self._count_claim(claim, actors)
            favor += labels["favor"]
            against += labels["against"]
        named = [n for n in speakers_here if n != NO_SPEAKER]
        top = max(named, key=lambda n: (speakers_here[n], n)) if named else ""
        self.article_rows.append([
            doc_id, sum(speakers_here.values()), len(claims), len(named),
            top, favor, against, len(objects(record.get("warnings"))),
        ])

    def _speaker(self, speaker: Any, actors: dict) -> SpeakerStats | None:
        if not isinstance(speaker, dict) or not speaker.get("name"):
            return None
        name = str(speaker["name"])
        stats = self.speakers.get(name)
        if stats is None:
            actor = actors.get(str(speaker.get("actor_id"))) or {}
            stats = self.speakers[name] = SpeakerStats(name, str(actor.get("type", "")))
        return stats

    def _count_quote(self, quote: dict, actors: dict, index: int) -> str:
        kind = str(quote.get("type"))
        self.quote_types[kind] += 1
        speaker = quote.get("speaker")
        self.resolutions[str(speaker.get("resolution")) if isinstance(speaker, dict)
                         else "no speaker"] += 1
        stats = self._speaker(speaker, actors)
        if stats is None:
            return NO_SPEAKER
        stats.quotes[kind] += 1
        if stats.last_article != index:
            stats.articles += 1
            stats.last_article = index
        return stats.name

    def _count_claim(self, claim: dict, actors: dict) -> Counter:
        self.claims += 1
        stats = self._speaker(claim.get("speaker"), actors)
        name = stats.name if stats else NO_SPEAKER
        if stats:
            stats.claims += 1
        labels: Counter = Counter()
        entries = objects(claim.get("stance"))
        if entries:
            self.claims_with_stance += 1
        for entry in entries:
            target = str(entry.get("target", ""))
            label = "gated" if entry.get("gated") else str(entry.get("label"))
            if label not in (*STANCE_LABELS, "gated"):
                continue
            labels[label] += 1
            self.targets[target] += 1
            self.stance.setdefault((name, target), Counter())[label] += 1
            if stats:
                stats.stance[label] += 1
        for entry in objects(claim.get("actor_stance")):
            if entry.get("label") not in SENTIMENT_LABELS:
                continue
            actor = actors.get(str(entry.get("actor_id"))) or {}
            toward = str(actor.get("name") or entry.get("actor_id"))
            self.sentiment.setdefault((name, toward), Counter())[entry["label"]] += 1
        return labels


def net(counts: Counter, positive: str, negative: str, labels: tuple[str, ...]) -> float | None:
    """(positive - negative) / all scored, in [-1, 1]; None when nothing was scored."""
    total = sum(counts[label] for label in labels)
    if not total:
        return None
    return (counts[positive] - counts[negative]) / total


def top_keys(counter: Counter, n: int) -> list[str]:
    """The ``n`` most frequent keys, ties by name (stable across runs)."""
    return [key for key, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
