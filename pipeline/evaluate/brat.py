"""Read PolNeAR-style brat standoff (text/*.txt + attributions/*.ann) into gold articles.

One gold quote per attribution event (``E`` line). Its content is the union of the Content (and
Content2) fragments; ``Discard`` spans are skipped. Articles with several ``.ann`` files (one per
annotator) use the alphabetically first one, as in the PolNeAR README counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.items import (
    Fragment,
    GoldDoc,
    GoldQuote,
    has_quote_mark,
    infer_quote_type,
    merge_fragments,
)

_RECORD_START = re.compile(r"^[TER#]\d+\t", re.M)
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t", re.S)
_ANNOTATOR_SUFFIX = re.compile(r"_[0-9A-Za-z]+$")
ATTRIBUTION_LABELS = ("Attribution", "Attribution-no-source")
CONTENT_ROLES = ("Content", "Content2")


@dataclass
class TextBound:
    """A brat ``T`` annotation: label and fragments."""

    label: str
    fragments: list[Fragment]


def read_text(path: Path) -> str:
    """Read an article exactly as stored (no newline translation), so offsets stay valid."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def parse_ann(ann: str, name: str = "<string>") -> tuple[dict[str, TextBound], list[dict]]:
    """Parse ``.ann`` text into text-bound spans by id and events as ``{role: T-id}`` dicts.

    Records are split on their ``T``/``E``/``#`` prefix, not on lines, because a span's covered
    text may run over a newline.
    """
    spans: dict[str, TextBound] = {}
    events: list[dict] = []
    starts = [m.start() for m in _RECORD_START.finditer(ann)] + [len(ann)]
    for begin, end in zip(starts, starts[1:], strict=False):
        record = ann[begin:end]
        if record.startswith("T"):
            match = _TEXT_BOUND.match(record)
            if not match:
                raise ClaimtraceError(Errors.E405, name=name,
                                      detail=f"bad span record {record[:60]!r}")
            frags = [tuple(map(int, part.split())) for part in match.group(3).split(";")]
            spans[match.group(1)] = TextBound(match.group(2), [(s, e) for s, e in frags])
        elif record.startswith("E"):
            _, _, body = record.strip().partition("\t")
            roles: dict[str, str] = {}
            for arg in body.split():
                role, _, target = arg.partition(":")
                roles[role] = target
            events.append(roles)
    return spans, events


def _fragments(spans: dict[str, TextBound], roles: dict, wanted: tuple[str, ...],
               name: str) -> list[Fragment]:
    out: list[Fragment] = []
    for role in wanted:
        if role in roles:
            if roles[role] not in spans:
                raise ClaimtraceError(Errors.E405, name=name,
                                      detail=f"event refers to missing span {roles[role]}")
            bound = spans[roles[role]]
            if bound.label != "Discard":
                out.extend(bound.fragments)
    return merge_fragments(out)


def gold_quotes_from_ann(ann: str, text: str, name: str = "<string>",
                         stretch: bool = False) -> list[GoldQuote]:
    """Turn one ``.ann`` into gold quotes over ``text``.

    ``stretch=True`` replaces discontinuous contents by one span from first to last character
    (the default keeps the union of fragments; see docs/evaluation.md).
    """
    spans, events = parse_ann(ann, name)
    for tid, bound in spans.items():
        if any(e > len(text) or s > e for s, e in bound.fragments):
            raise ClaimtraceError(Errors.E405, name=name,
                                  detail=f"{tid} {bound.fragments} outside text of "
                                         f"{len(text)} chars")
    quotes: list[GoldQuote] = []
    for roles in events:
        if not any(label in roles for label in ATTRIBUTION_LABELS):
            continue
        content = _fragments(spans, roles, CONTENT_ROLES, name)
        if not content:
            continue
        texts = [text[s:e] for s, e in content]
        if stretch:
            content = [(content[0][0], content[-1][1])]
        source = _fragments(spans, roles, ("Source",), name) or None
        cue = _fragments(spans, roles, ("Cue",), name) or None
        quotes.append(GoldQuote(fragments=content, type=infer_quote_type(texts), cue=cue,
                                source=source, has_quote_mark=has_quote_mark("".join(texts))))
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def article_name(ann_path: Path) -> str:
    """``<article>_<annotator>.ann`` -> ``<article>``."""
    return _ANNOTATOR_SUFFIX.sub("", ann_path.stem)


def pick_ann_files(folder: Path) -> dict[str, Path]:
    """Map article name -> its alphabetically first ``.ann`` file."""
    chosen: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        chosen.setdefault(article_name(path), path)
    return chosen


def read_brat_folder(folder: str | Path, limit: int | None = None,
                     stretch: bool = False) -> list[GoldDoc]:
    """Read a PolNeAR split folder into gold articles, sorted by name."""
    folder = Path(folder)
    if not folder.exists():
        raise ClaimtraceError(Errors.E401, path=str(folder))
    anns = pick_ann_files(folder)
    if not anns:
        raise ClaimtraceError(Errors.E406, path=str(folder), fmt="brat")
    docs: list[GoldDoc] = []
    for name in sorted(anns)[: limit if limit else None]:
        text_path = folder / "text" / f"{name}.txt"
        if not text_path.exists():
            raise ClaimtraceError(Errors.E405, name=str(anns[name]),
                                  detail=f"its text {text_path} is missing")
        text = read_text(text_path)
        ann = read_text(anns[name])
        docs.append(GoldDoc(id=name, text=text, source=str(anns[name]),
                            quotes=gold_quotes_from_ann(ann, text, str(anns[name]), stretch)))
    return docs
