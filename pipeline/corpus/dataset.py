"""The corpus as a ``datasets.DatasetDict``: one row per article, its gold joined in, by split.

The plain files load with ``datasets.load_dataset("json", ...)`` too (docs/corpus.md); this helper
adds what a plain load cannot: the texts of articles stored by reference (read and hash-checked),
every gold set an article has, and its annotation state.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
from datasets import Features, Value

from pipeline.corpus.goldlines import STATES
from pipeline.corpus.ids import SPLITS
from pipeline.corpus.layout import ARTICLE_FIELDS, Corpus
from pipeline.errors import ClaimtraceError

UNANNOTATED = "unannotated"
STATE_ORDER = (*STATES, UNANNOTATED)

_SPAN = {"start": Value("int32"), "end": Value("int32"),
         "fragments": [[Value("int32")]]}
_QUOTE = {**_SPAN, "type": Value("string"), "cue": _SPAN,
          "speaker": {"mention": _SPAN, "name": Value("string"), "aliases": [Value("string")]}}
_NEGATIVE = {"start": Value("int32"), "end": Value("int32"), "kind": Value("string")}
_CLAIM = {"start": Value("int32"), "end": Value("int32"), "text": Value("string"),
          "type": Value("string"), "quote": Value("int32"),
          "stance": [{"target": Value("string"), "label": Value("string"),
                      "review": Value("string")}]}
_ANNOTATION = {"set": Value("string"), "state": Value("string"), "origin": Value("string"),
               "quotes": [_QUOTE], "negatives": [_NEGATIVE], "claims": [_CLAIM]}
FEATURES = Features({
    **{k: [Value("string")] if k == "targets" else Value("string") for k in ARTICLE_FIELDS},
    "state": Value("string"),
    "annotations": [_ANNOTATION],
})


def annotation_state(states: list[str]) -> str:
    """An article's state: its best gold (gold > corrected > unconfirmed), else unannotated."""
    return min(states, key=STATE_ORDER.index) if states else UNANNOTATED


def gold_by_article(corpus: Corpus) -> dict[str, list[dict]]:
    """Every gold line of every set, by article id (``set`` = the gold file's name)."""
    found: dict[str, list[dict]] = {}
    for path in corpus.gold_files():
        for line in corpus.gold_lines(path):
            article_id = line.get("article_id")
            if not article_id:
                continue
            found.setdefault(article_id, []).append({
                "set": path.stem, "state": line.get("state") or "gold",
                "origin": line.get("origin"), "quotes": line.get("quotes") or [],
                "negatives": line.get("negatives") or [], "claims": line.get("claims") or [],
            })
    return found


def _fill_span(obj: dict | None) -> dict | None:
    if obj is None:
        return None
    return {"start": obj["start"], "end": obj["end"],
            "fragments": obj.get("fragments") or [[obj["start"], obj["end"]]]}


def _fill_quote(q: dict) -> dict:
    speaker = q.get("speaker") or {}
    return {**_fill_span(q), "type": q.get("type"), "cue": _fill_span(q.get("cue")),
            "speaker": {"mention": _fill_span(speaker.get("mention")),
                        "name": speaker.get("name"), "aliases": speaker.get("aliases") or []}}


def _fill(annotation: dict) -> dict:
    """Gold written by hand may leave optional fields out; the dataset has them all."""
    return {**annotation,
            "quotes": [_fill_quote(q) for q in annotation["quotes"]],
            "negatives": [{k: n.get(k) for k in _NEGATIVE} for n in annotation["negatives"]],
            "claims": [{k: c.get(k) for k in _CLAIM} | {"stance": c.get("stance") or []}
                       for c in annotation["claims"]]}


def corpus_rows(corpus: Corpus, require_text: bool = True) -> list[dict]:
    """Article rows with ``state`` and ``annotations`` added and referenced texts filled in."""
    gold = gold_by_article(corpus)
    rows = []
    for article in corpus.articles():
        row = dict(article)
        if require_text:
            row["text"] = corpus.text(article)
        else:
            try:
                row["text"] = corpus.text(article)
            except ClaimtraceError:
                row["text"] = None
        annotations = [_fill(a) for a in gold.get(article["id"], [])]
        row["state"] = annotation_state([a["state"] for a in annotations])
        row["annotations"] = annotations
        rows.append(row)
    return rows


def load_corpus(corpus: str | Path = "corpus", require_text: bool = True) -> datasets.DatasetDict:
    """The corpus as a ``DatasetDict`` with ``train``, ``dev`` and ``test`` (empty ones too).

    ``require_text=False`` leaves ``text`` null for referenced articles whose file is missing
    (e.g. ``../shared`` not mounted) instead of raising E512.
    """
    folder = Corpus.open(corpus)
    rows = corpus_rows(folder, require_text)
    for row in rows:
        json.loads(row["extra"])  # extra must stay a JSON object string
    return datasets.DatasetDict({
        split: datasets.Dataset.from_dict(
            {key: [r[key] for r in rows if r["split"] == split] for key in FEATURES},
            features=FEATURES)
        for split in SPLITS
    })

