"""Word lists and rule files: reading them (``pipeline/resources`` or any path a config names)
and parsing their text. Components keep the raw text so that ``nlp.to_disk`` saves it with the
pipeline (``pipeline.components.persist``); the parsers below turn it into what the rules use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from .errors import ClaimtraceError, Errors
from .paths import resolve


def read_resource(path: str) -> str:
    """The text of a resource file (``resources:NAME`` or a path), or a coded error."""
    p = resolve(path)
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ClaimtraceError(Errors.E103, path=str(p), detail=exc.strerror or exc) from exc


def parse_lines(text: str) -> list[str]:
    """Non-empty lines that are not ``#`` comments, right-stripped."""
    lines = text.splitlines()
    return [ln.rstrip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def parse_word_list(text: str) -> frozenset[str]:
    """A set of lowercase entries, one per line."""
    return frozenset(ln.strip().lower() for ln in parse_lines(text))


def parse_gendered_names(text: str) -> dict[str, str]:
    """``name<TAB>m|f`` lines (``first_names.tsv``) as a lowercase name -> gender map."""
    out: dict[str, str] = {}
    for line in parse_lines(text):
        name, _, gender = line.partition("\t")
        if gender.strip() in ("m", "f"):
            out[name.strip().lower()] = gender.strip()
    return out


def parse_json(text: str, name: str = "<json>") -> dict:
    """A JSON rule file (keys starting with ``_`` are comments)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimtraceError(Errors.E103, path=name, detail=exc) from exc
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def load_json(path: str) -> dict:
    """Read a JSON rule file (keys starting with ``_`` are comments)."""
    return parse_json(read_resource(path), str(resolve(path)))


@cache
def load_word_list(path: str) -> frozenset[str]:
    """A set of lowercase entries, one per line."""
    return parse_word_list(read_resource(path))


def regular_inflections(lemma: str) -> set[str]:
    """Regular English verb forms of ``lemma`` (3rd person -s, past -ed, -ing)."""
    forms = {lemma}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


@dataclass(frozen=True)
class CueLexicon:
    """Reporting/belief cue words.

    ``kind_of`` maps every lemma and surface form of the hand list to its kind; ``relations``
    maps a lemma to the dependents that carry its content, most frequent first (from the
    derived list); ``blocked`` holds lemmas the derived list shows are rarely cues;
    ``precision`` maps every lemma of the derived list (however rare) to the share of its uses
    that are cues in the corpus it was derived from.
    """

    kind_of: dict[str, str]
    relations: dict[str, tuple[str, ...]]
    blocked: frozenset[str]
    precision: dict[str, float] = field(default_factory=dict)

    def kind(self, lemma: str, lower: str) -> str | None:
        """The cue kind of a word given its lemma and lowercase text, or None. Surface
        patterns ('“…,” comments X') use this; verbs in the parse also check ``is_blocked``."""
        return (
            self.kind_of.get(lemma)
            or self.kind_of.get(lower)
            or ("derived" if lemma in self.relations else None)
        )

    def is_blocked(self, lemma: str) -> bool:
        """The corpus shows this verb rarely reports anything (e.g. "see", "find")."""
        return lemma in self.blocked

    def content_relations(self, lemma: str) -> tuple[str, ...]:
        return self.relations.get(lemma) or ("ccomp",)

    def __contains__(self, word: str) -> bool:
        return word in self.kind_of


def parse_cue_lexicon(
    hand: str, derived: str | None = None, min_precision: float = 0.0, min_count: int = 1
) -> CueLexicon:
    """Parse the hand list (``lemma<TAB>kind<TAB>irregular forms``) and, optionally, the derived
    list (``lemma<TAB>precision<TAB>count<TAB>relations``) into a :class:`CueLexicon`.
    Derived lemmas below ``min_precision`` are blocked, even when the hand list has them;
    derived lemmas seen fewer than ``min_count`` times are ignored (too few to judge)."""
    kind_of: dict[str, str] = {}
    for line in parse_lines(hand):
        parts = line.split("\t")
        lemma = parts[0].strip().lower()
        kind = parts[1].strip() if len(parts) > 1 and parts[1].strip() else "speech"
        forms = regular_inflections(lemma)
        if len(parts) > 2:
            forms |= set(parts[2].lower().split())
        for form in forms:
            kind_of.setdefault(form, kind)
    relations: dict[str, tuple[str, ...]] = {}
    blocked: set[str] = set()
    precisions: dict[str, float] = {}
    for line in parse_lines(derived or ""):
        parts = line.split("\t")
        lemma, precision, count = parts[0].strip().lower(), float(parts[1]), int(parts[2])
        rels = tuple(r for r in (parts[3].split(",") if len(parts) > 3 else []) if r)
        precisions[lemma] = precision
        if count < min_count:
            continue
        if precision < min_precision:
            blocked.add(lemma)
        else:
            relations[lemma] = rels or ("ccomp",)
    return CueLexicon(kind_of, relations, frozenset(blocked), precisions)


@cache
def load_cue_lexicon(
    path: str, derived_path: str | None = None, min_precision: float = 0.0, min_count: int = 1
) -> CueLexicon:
    """:func:`parse_cue_lexicon` of the files at ``path`` and ``derived_path``."""
    derived = read_resource(derived_path) if derived_path else None
    return parse_cue_lexicon(read_resource(path), derived, min_precision, min_count)
