"""Adding articles (and their gold) to a corpus, with a reported decision for every input.

Each input is added, or kept out as invalid (a coded input error), an exact duplicate (same
content id) or a near-duplicate (``NearDuplicateIndex``) unless forced. The corpus is locked while
this runs and written once, atomically, at the end; ``dry_run`` decides without writing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.corpus import goldlines
from pipeline.corpus.cache import VectorCache
from pipeline.corpus.config import DEFAULT_THRESHOLD
from pipeline.corpus.dedupe import (
    NearDuplicateIndex,
    cached_signatures,
    shingles,
    signature,
)
from pipeline.corpus.ids import content_id, first_line_title, split_for, text_sha256, unique_name
from pipeline.corpus.layout import Corpus, portable_path, write_jsonl_atomic
from pipeline.corpus.metadata import check_metadata, extra_json, merge_metadata
from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.brat import read_text


@dataclass
class Candidate:
    """An article on its way into the corpus."""

    text: str
    name: str  # wanted name (file stem, JSONL id, brat article name, title)
    label: str  # where it came from, for the report (path, path:line, URL)
    origin: str  # stored provenance, e.g. "file:corpus/x.txt", "url:https://...", "brat:..."
    meta: dict = field(default_factory=dict)
    reference: str | None = None  # store this path instead of the text
    gold: dict | None = None  # {"state", "origin", "quotes", "negatives", "claims"}
    note: str | None = None  # added to the decision's message (e.g. why there is no gold)


@dataclass
class Rejected:
    """An input that could not even be read, with its coded error."""

    label: str
    error: ClaimtraceError


@dataclass
class Decision:
    """What happened to one input. ``action``: added, forced (a near-duplicate added with
    --force), duplicate, near-duplicate or invalid. ``gold``: written, attached (to the
    existing copy of a duplicate), kept-out, or None when the input had no gold."""

    label: str
    action: str
    id: str | None = None
    name: str | None = None
    other_id: str | None = None
    other_name: str | None = None
    score: float | None = None
    code: str | None = None
    message: str = ""
    gold: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AddResult:
    """Every decision, the warnings about the corpus itself, and where things were written."""

    decisions: list[Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gold_path: Path | None = None
    written: bool = False

    def counts(self) -> Counter:
        return Counter(d.action for d in self.decisions)

    def summary(self) -> str:
        counts = self.counts()
        order = ("added", "forced", "duplicate", "near-duplicate", "invalid")
        text = ", ".join(f"{counts[a]} {a}" for a in order if counts[a]) or "nothing to add"
        gold = Counter(d.gold for d in self.decisions if d.gold)
        if gold:
            text += "; gold " + ", ".join(f"{n} {k}" for k, n in sorted(gold.items()))
        return text + ("" if self.written else " (dry run: nothing written)")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class _Adder:
    """The corpus state while one command adds to it."""

    def __init__(self, corpus: Corpus, threshold: float, cache: VectorCache | None,
                 result: AddResult) -> None:
        self.corpus = corpus
        self.existing = corpus.articles()
        self.by_id = {a["id"]: a for a in self.existing}
        self.names = {a["name"] for a in self.existing}
        self.texts: dict[str, str] = {}
        self.new: list[dict] = []
        self.index = NearDuplicateIndex(self.texts.__getitem__, threshold)
        texts_by_hash: dict[str, str] = {}
        for article in self.existing:
            try:
                text = corpus.text(article)
            except ClaimtraceError as err:
                result.warnings.append(f"{article['id']} ({article['name']}) is not checked "
                                       f"for near-duplicates: {err}")
                continue
            self.texts[article["id"]] = text
            texts_by_hash[article["text_sha256"]] = text
        sigs = cached_signatures(texts_by_hash, cache)
        for article in self.existing:
            if article["id"] in self.texts:
                self.index.add(article["id"], sigs[article["text_sha256"]])

    def article(self, item: Candidate, cid: str, fields: dict, extra: dict,
                near: tuple[dict, float] | None) -> dict:
        split = fields["split"]
        if split == "auto":
            # A forced near-duplicate joins its twin's split, so no story leaks across splits.
            split = near[0]["split"] if near else split_for(cid)
        if near:
            extra = {**extra, "near_duplicate_of": {"id": near[0]["id"], "score": near[1]}}
        name = unique_name(item.name or fields.get("title") or "", cid, self.names)
        mirror = self.corpus.mirror_path({"name": name})
        if not item.reference and mirror.exists() and read_text(mirror) != item.text:
            name = f"{name}-{cid[:6]}"  # never overwrite a file that is not this article
        self.names.add(name)
        return {
            "id": cid, "name": name, "title": fields["title"] or first_line_title(item.text),
            "source": fields["source"], "url": fields["url"], "date": fields["date"],
            "language": fields["language"], "license": fields["license"], "split": split,
            "targets": fields["targets"], "origin": item.origin, "added": _now(),
            "text": None if item.reference else item.text,
            "text_source": portable_path(item.reference) if item.reference else None,
            "text_sha256": text_sha256(item.text), "extra": extra_json(extra),
        }

    def decide(self, item: Candidate, defaults: dict, force: bool) -> tuple[Decision, dict | None]:
        """The decision for one candidate and, when it is added, its article line."""
        try:
            columns, extra = merge_metadata(item.meta, defaults)
            fields = check_metadata(item.label, columns)
        except ClaimtraceError as err:
            return Decision(item.label, "invalid", code=err.code, message=str(err)), None
        cid = content_id(item.text)
        if cid in self.by_id:
            other = self.by_id[cid]
            err = ClaimtraceError(Errors.E504, name=item.label, id=cid, other=other["name"])
            return Decision(item.label, "duplicate", id=cid, other_id=cid,
                            other_name=other["name"], score=1.0, code=err.code,
                            message=str(err)), None
        mine = shingles(item.text)
        sig = signature(mine)
        match = self.index.find(sig, mine)
        near = (self.by_id[match.key], round(match.score, 4)) if match else None
        if near and not force:
            err = ClaimtraceError(Errors.E505, name=item.label, id=near[0]["id"],
                                  other=near[0]["name"], score=near[1])
            return Decision(item.label, "near-duplicate", id=cid, other_id=near[0]["id"],
                            other_name=near[0]["name"], score=near[1], code=err.code,
                            message=str(err)), None
        article = self.article(item, cid, fields, extra, near)
        self.by_id[cid] = article
        self.texts[cid] = item.text
        self.index.add(cid, sig, mine)
        self.new.append(article)
        if near:
            return Decision(item.label, "forced", id=cid, name=article["name"],
                            other_id=near[0]["id"], other_name=near[0]["name"], score=near[1],
                            message=f"added with --force although it is a near-duplicate of "
                                    f"{near[0]['name']!r} (Jaccard {near[1]:.2f})"), article
        return Decision(item.label, "added", id=cid, name=article["name"],
                        message=f"added as {article['name']!r} ({article['split']})"), article

    def gold_line(self, article: dict, gold: dict) -> dict:
        source = article["text_source"] or portable_path(self.corpus.mirror_path(article))
        return goldlines.line(article, gold, gold.get("state", "gold"),
                              gold.get("origin") or article["origin"], source)


def add_to_corpus(
    corpus: Corpus,
    items: Iterable[Candidate | Rejected],
    defaults: dict | None = None,
    force: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    gold_set: str | None = None,
    replace_gold: bool = False,
    dry_run: bool = False,
    cache: VectorCache | None = None,
    on_decision: Callable[[Decision], None] | None = None,
) -> AddResult:
    """Add ``items`` to ``corpus`` and return every decision (see module docstring).

    With ``gold_set``, the gold of each input goes to ``gold/<gold_set>.jsonl``: to the new
    article, or to the existing copy of an exact duplicate; a near-duplicate kept out takes its
    gold with it (reported). An existing set is an error (E510) unless ``replace_gold``.
    """
    result = AddResult()
    defaults = defaults or {}
    with corpus.locked():
        gold_path = corpus.gold_path(gold_set) if gold_set else None
        if gold_path and gold_path.exists() and not replace_gold:
            raise ClaimtraceError(Errors.E510, path=str(gold_path))
        adder = _Adder(corpus, threshold, cache, result)
        gold: dict[str, dict] = {}
        for item in items:
            if isinstance(item, Rejected):
                decision = Decision(item.label, "invalid", code=item.error.code,
                                    message=str(item.error))
            else:
                decision, article = adder.decide(item, defaults, force)
                if item.gold is not None and gold_set:
                    target = article or (adder.by_id.get(decision.other_id)
                                         if decision.action == "duplicate" else None)
                    if target is None:
                        decision.gold = "kept-out"
                    else:
                        decision.gold = "written" if article else "attached"
                        gold[target["id"]] = adder.gold_line(target, item.gold)
                if item.note:
                    decision.message = f"{decision.message}; {item.note}"
            result.decisions.append(decision)
            if on_decision:
                on_decision(decision)
        if dry_run:
            return result
        if adder.new:
            corpus.write_articles(adder.existing + adder.new)
            for article in adder.new:
                corpus.write_mirror(article)
        elif not corpus.exists():
            corpus.write_articles([])
        if gold_path is not None and (gold or replace_gold):
            goldlines_out = list(gold.values())
            write_jsonl_atomic(gold_path, goldlines_out)
            result.gold_path = gold_path
        result.written = True
    return result
