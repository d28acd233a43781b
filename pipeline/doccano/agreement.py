"""Agreement between annotators who labelled the same documents independently.

Agreement needs separate copies, so it runs on an *independent* project (``push
--independent``: doccano keeps one copy per annotator, and annotators label blind). A document
counts when two or more annotators confirmed it; a stance example likewise.

- **Span F1 per label**: for each pair of annotators and each document both confirmed, spans
  match when label and offsets are identical; F1 = 2·matched / (spans of one + spans of the
  other), summed over documents and pairs (it is symmetric, so no annotator is "gold").
- **Speaker agreement**: over QUOTE spans that both annotators marked identically, the share
  whose SPEAKER_OF relation points at the same ACTOR span (read in either direction; both
  without a speaker also agree).
- **Stance**: Cohen's kappa with two annotators, Fleiss' kappa with three or more (over the
  examples every one of them confirmed), plus raw percent agreement.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pipeline.doccano.client import DoccanoAPI
from pipeline.doccano.projects import stance_project_name
from pipeline.errors import ClaimtraceError, Errors

SPAN_LABELS = ("ACTOR", "QUOTE", "CUE", "CLAIM")
WIDTH = 80


# ---------------------------------------------------------------- the measures (pure)


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa of two raters over the same items (None when chance agreement is 1)."""
    if len(first) != len(second) or not first:
        raise ValueError("Cohen's kappa needs two equally long, non-empty label lists")
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(ratings: list[list[str]]) -> float | None:
    """Fleiss' kappa: ``ratings[i]`` holds every rater's label for item i (same number of
    raters per item, at least two). None when chance agreement is 1."""
    if not ratings or any(len(r) != len(ratings[0]) for r in ratings) or len(ratings[0]) < 2:
        raise ValueError("Fleiss' kappa needs items rated by the same number (>= 2) of raters")
    raters = len(ratings[0])
    counts = [Counter(item) for item in ratings]
    per_item = [
        (sum(c * c for c in item.values()) - raters) / (raters * (raters - 1)) for item in counts
    ]
    observed = sum(per_item) / len(ratings)
    totals: Counter = Counter()
    for item in counts:
        totals.update(item)
    expected = sum((t / (len(ratings) * raters)) ** 2 for t in totals.values())
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


@dataclass
class Copy:
    """One annotator's confirmed copy of one document (spans in UTF-16 units, as stored)."""

    spans: dict[int, tuple[str, int, int]]  # span id -> (label, start, end)
    relations: list[tuple[int, int, str]]  # (from id, to id, type)

    def span_set(self, label: str) -> set[tuple[int, int]]:
        return {(s, e) for lab, s, e in self.spans.values() if lab == label}

    def speakers(self) -> dict[tuple[int, int], frozenset]:
        """QUOTE offsets -> the offsets of the ACTOR spans related to it by SPEAKER_OF."""
        found: dict[tuple[int, int], set] = defaultdict(set)
        for span in self.spans.values():
            if span[0] == "QUOTE":
                found.setdefault(span[1:], set())  # every quote, with or without a speaker
        for source, target, kind in self.relations:
            ends = [self.spans.get(source), self.spans.get(target)]
            if kind != "SPEAKER_OF" or None in ends:
                continue
            quote = next((e for e in ends if e[0] == "QUOTE"), None)
            actor = next((e for e in ends if e[0] == "ACTOR"), None)
            if quote and actor:
                found[quote[1:]].add(actor[1:])
        return {k: frozenset(v) for k, v in found.items()}


@dataclass
class Agreement:
    """Everything `claimtrace doccano agreement` reports."""

    project: str
    annotators: list[str]
    documents: int
    span_f1: dict[str, dict] = field(default_factory=dict)
    speaker: dict = field(default_factory=dict)
    stance: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "project": self.project,
            "annotators": self.annotators,
            "documents": self.documents,
            "span_f1": self.span_f1,
            "speaker": self.speaker,
            "stance": self.stance,
        }


def span_agreement(copies: dict[str, dict[str, Copy]]) -> tuple[dict[str, dict], dict]:
    """Span F1 per label (and ``all``) and speaker agreement over every pair of annotators;
    ``copies[doc_id][annotator]``."""
    tallies: dict[str, Counter] = defaultdict(Counter)
    same_speaker = quotes = 0
    for by_annotator in copies.values():
        for a, b in itertools.combinations(sorted(by_annotator), 2):
            first, second = by_annotator[a], by_annotator[b]
            for label in SPAN_LABELS:
                one, two = first.span_set(label), second.span_set(label)
                for key in (label, "all"):
                    tallies[key]["matched"] += len(one & two)
                    tallies[key]["spans"] += len(one) + len(two)
            speakers_a, speakers_b = first.speakers(), second.speakers()
            for quote in speakers_a.keys() & speakers_b.keys():
                quotes += 1
                same_speaker += speakers_a[quote] == speakers_b[quote]
    f1 = {
        label: {
            "f1": round(2 * t["matched"] / t["spans"], 4) if t["spans"] else None,
            "matched": t["matched"],
            "spans": t["spans"],
        }
        for label, t in tallies.items()
    }
    speaker = {"agreement": round(same_speaker / quotes, 4) if quotes else None, "quotes": quotes}
    return f1, speaker


def stance_agreement(labels: dict[str, dict[int, str]]) -> dict:
    """Kappa over stance examples; ``labels[annotator][example id]`` (confirmed ones)."""
    names = sorted(labels)
    shared = [i for i in set().union(*labels.values()) if sum(i in labels[n] for n in names) >= 2]
    result: dict = {"examples": len(shared)}
    if len(names) < 2 or not shared:
        return dict(result, measure=None, kappa=None, percent_agreement=None)
    pairs = {}
    for a, b in itertools.combinations(names, 2):
        both = sorted(set(labels[a]) & set(labels[b]))
        if both:
            kappa = cohen_kappa([labels[a][i] for i in both], [labels[b][i] for i in both])
            pairs[f"{a}~{b}"] = {"examples": len(both), "kappa": _round(kappa)}
    if len(names) == 2:
        a, b = names
        both = sorted(set(labels[a]) & set(labels[b]))
        agree = sum(labels[a][i] == labels[b][i] for i in both) / len(both)
        return dict(
            result,
            measure="cohen",
            kappa=pairs[f"{a}~{b}"]["kappa"],
            percent_agreement=round(agree, 4),
            examples=len(both),
        )
    everyone = sorted(i for i in shared if all(i in labels[n] for n in names))
    ratings = [[labels[n][i] for n in names] for i in everyone]
    kappa = fleiss_kappa(ratings) if ratings else None
    agree = sum(len(set(r)) == 1 for r in ratings) / len(ratings) if ratings else None
    return dict(
        result,
        measure="fleiss",
        kappa=_round(kappa),
        percent_agreement=_round(agree),
        examples_rated_by_all=len(everyone),
        pairwise=pairs,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# ---------------------------------------------------------------- reading a project


def _copies(rows_by_user: dict[str, list[dict]], users: list[str]) -> dict[str, dict[str, Copy]]:
    copies: dict[str, dict[str, Copy]] = defaultdict(dict)
    for user in users:
        for row in rows_by_user.get(user, []):
            doc_id = row.get("doc_id", row["id"])
            spans = {
                e["id"]: (e["label"], e["start_offset"], e["end_offset"])
                for e in row.get("entities") or []
            }
            rels = [(r["from_id"], r["to_id"], r["type"]) for r in row.get("relations") or []]
            copies[doc_id][user] = Copy(spans, rels)
    return {d: c for d, c in copies.items() if len(c) >= 2}


def measure(
    api: DoccanoAPI, project: str, annotators: list[str] | None, include_machine: bool
) -> Agreement:
    """Agreement between the annotators of an independent project (E322 for a collaborative
    one; E323 when no document was confirmed by two of them)."""
    info = api.find_project(project)
    if info is None:
        raise ClaimtraceError(Errors.E308, name=project, url=api.url)
    if info.get("collaborative_annotation", True):
        raise ClaimtraceError(Errors.E322, name=project)
    members = api.members(info["id"])
    users = annotators or [m["username"] for m in members if m["rolename"] != "project_admin"]
    if include_machine:
        users = [*users, api.me()["username"]]
    spans_by_user = api.export_by_user(info["id"], confirmed_only=True)
    copies = _copies(spans_by_user, users)
    stance_labels: dict[str, dict[int, str]] = {}
    stance = api.find_project(stance_project_name(project))
    if stance is not None:
        rows = api.export_by_user(stance["id"], confirmed_only=True)
        for user in users:
            stance_labels[user] = {
                r["id"]: r["label"][0] for r in rows.get(user, []) if r.get("label")
            }
    judged = stance_agreement(stance_labels) if stance_labels else {"examples": 0}
    if not copies and not judged.get("examples"):
        detail = f"annotators considered: {', '.join(users) or 'none'}"
        raise ClaimtraceError(Errors.E323, name=project, detail=detail)
    f1, speaker = span_agreement(copies)
    return Agreement(project, sorted(users), len(copies), f1, speaker, judged)


def table(result: Agreement) -> str:
    """An 80-column text report."""
    lines = [
        *textwrap.wrap(
            f"Agreement in {result.project!r} between {len(result.annotators)} annotators: "
            + ", ".join(result.annotators),
            WIDTH,
        ),
        f"documents confirmed by two or more of them: {result.documents}",
        "",
        f"{'span label':<12}{'matched':>10}{'spans':>10}{'F1':>10}",
    ]
    for label in (*SPAN_LABELS, "all"):
        row = result.span_f1.get(label)
        if row:
            f1 = "-" if row["f1"] is None else f"{row['f1']:.3f}"
            lines.append(f"{label:<12}{row['matched']:>10}{row['spans']:>10}{f1:>10}")
    speaker = result.speaker
    if speaker.get("quotes"):
        lines.append("")
        lines.append(
            f"speaker agreement: {speaker['agreement']:.3f} over {speaker['quotes']} quotes "
            "marked identically"
        )
    stance = result.stance
    if stance.get("measure"):
        name = "Cohen's kappa" if stance["measure"] == "cohen" else "Fleiss' kappa"
        kappa = "undefined" if stance["kappa"] is None else f"{stance['kappa']:.3f}"
        items = stance.get("examples_rated_by_all", stance["examples"])
        agree = stance["percent_agreement"]
        lines.append(
            f"stance: {name} {kappa} over {items} examples (raw agreement "
            f"{'-' if agree is None else f'{agree:.3f}'})"
        )
    else:
        lines.append("stance: no example was confirmed by two or more annotators")
    return "\n".join(line for text in lines for line in (textwrap.wrap(text, WIDTH) or [""]))
