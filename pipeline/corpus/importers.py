"""Inputs turned into :class:`Candidate` articles: plain files, brat folders, doccano pulls and
claimtrace gold JSONL.

Plain files reuse the annotate input reader (same checks, same coded errors). The gold readers
reuse ``pipeline.evaluate`` (brat standoff as in PolNeAR; own gold JSONL) so a corpus import and
``claimtrace evaluate`` read gold the same way.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.corpus import goldlines
from pipeline.corpus.add import Candidate, Rejected
from pipeline.corpus.layout import portable_path
from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.brat import pick_ann_files, read_brat_folder
from pipeline.evaluate.gold import gold_jsonl_files, read_gold_jsonl
from pipeline.inputs import DEFAULT_MAX_CHARS, Article, check_text, read_inputs
from pipeline.paths import resolve

FORMATS = ("brat", "doccano", "jsonl")
POLNEAR_METADATA = "metadata.tsv"


def from_inputs(paths: list[str], reference: bool = False,
                max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Candidate | Rejected]:
    """Articles from .txt files, folders and JSONL (``{"id", "text", "meta"}``), as annotate
    reads them. ``reference``: store the .txt file's path instead of its text."""
    for item in read_inputs(paths, max_chars=max_chars):
        if not isinstance(item, Article):
            yield Rejected(item.source or item.id, item.error)
            continue
        from_txt = item.meta == {"source": item.source}
        meta = {} if from_txt else dict(item.meta)
        if reference and not from_txt:
            yield Rejected(item.source, ClaimtraceError(
                Errors.E514, name=item.source,
                detail="--reference needs .txt files (a JSONL line has no file of its own)"))
            continue
        yield Candidate(text=item.text, name=item.id, label=item.source,
                        origin=f"file:{item.source}", meta=meta,
                        reference=item.source if reference else None)


def polnear_metadata(folder: Path) -> dict[str, dict]:
    """Rows of a PolNeAR ``metadata.tsv`` in the folder or its parent, by article name."""
    for place in (folder, folder.parent):
        path = place / POLNEAR_METADATA
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                return {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}
    return {}


def _brat_meta(row: dict | None) -> dict:
    if not row:
        return {}
    meta = {"title": row.get("title"), "source": row.get("publisher"),
            "date": row.get("publication_date")}
    for key in ("author", "compartment"):
        if row.get(key) not in (None, "", "None"):
            meta[key] = row[key]
    return {k: v for k, v in meta.items() if v not in (None, "", "None")}


def from_brat(folder: str | Path, copy_text: bool = False,
              limit: int | None = None) -> Iterator[Candidate | Rejected]:
    """Articles with gold attributions from a brat folder (``text/`` + ``attributions/``).

    Texts are stored by reference unless ``copy_text`` (PolNeAR may not be redistributed)."""
    folder = Path(folder)
    docs = read_brat_folder(folder, limit=limit)
    anns = pick_ann_files(folder)
    rows = polnear_metadata(folder)
    for doc in docs:
        text_path = folder / "text" / f"{doc.id}.txt"
        label = str(text_path)
        try:
            check_text(label, doc.text)
        except ClaimtraceError as err:
            yield Rejected(label, err)
            continue
        gold = {**goldlines.from_gold_doc(doc), "state": "gold",
                "origin": f"brat:{portable_path(anns[doc.id])}"}
        yield Candidate(text=doc.text, name=doc.id, label=label,
                        origin=f"brat:{portable_path(text_path)}",
                        meta=_brat_meta(rows.get(doc.id)),
                        reference=None if copy_text else str(text_path), gold=gold)


def from_gold_jsonl(path: str | Path, copy_text: bool = False) -> Iterator[Candidate | Rejected]:
    """Articles with gold from claimtrace gold JSONL (a file or a folder of them). A gold line
    that references its text keeps referencing it unless ``copy_text``."""
    for file in gold_jsonl_files(path):
        docs = read_gold_jsonl(file)  # coded errors (E402-E404) before anything else
        raw = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()
               if line.strip()]
        for record, doc in zip(raw, docs, strict=True):
            label = f"{file}:{doc.id}"
            source = record.get("text_source") if not isinstance(record.get("text"), str) else None
            reference = None
            if source and not copy_text:
                reference = str(resolve(source))
            gold = {**goldlines.from_gold_doc(doc), "state": record.get("state") or "gold",
                    "origin": record.get("origin") or f"jsonl:{portable_path(file)}"}
            yield Candidate(text=doc.text, name=doc.id, label=label,
                            origin=f"jsonl:{portable_path(file)}", reference=reference, gold=gold)


def _record_meta(meta: dict) -> dict:
    """A record's ``meta`` without the input path annotate put there (that is provenance)."""
    meta = dict(meta or {})
    source = meta.get("source")
    if isinstance(source, str) and (source.endswith((".txt", ".jsonl")) or source == "<stdin>"):
        meta["input"] = meta.pop("source")
    return meta


def from_doccano(path: str | Path,
                 include_unconfirmed: bool = False) -> Iterator[Candidate | Rejected]:
    """Articles with gold from a ``claimtrace doccano pull`` file.

    Confirmed records become ``corrected`` gold; unconfirmed ones (pulled with ``--all``) are
    added as articles without gold unless ``include_unconfirmed`` (state ``unconfirmed``)."""
    path = Path(path)
    if not path.is_file():
        yield Rejected(str(path), ClaimtraceError(Errors.E008, name=str(path)))
        return
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            label = f"{path}:{number}"
            try:
                record = json.loads(line)
                if "error" in record:
                    raise ValueError(f"an error record ({record['error'].get('code')})")
                text = record["text"]
                if not isinstance(text, str):
                    raise ValueError('"text" is not a string')
                annotations = goldlines.from_record(record)
            except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
                yield Rejected(label, ClaimtraceError(Errors.E509, line=number, name=str(path),
                                                      detail=str(exc)))
                continue
            review = record.get("review") or {}
            confirmed = review.get("confirmed", True)  # no review block: written by hand
            state = "corrected" if confirmed else "unconfirmed"
            gold, note = None, None
            if not (confirmed or include_unconfirmed):
                note = "not confirmed in doccano: article only, no gold (confirm it and pull " \
                       "again, or import with --all)"
            else:
                example = review.get("example_id")
                origin = f"doccano:{portable_path(path)}" + (f"#{example}" if example else "")
                gold = {**annotations, "state": state, "origin": origin}
            yield Candidate(text=text, name=str(record.get("id") or ""), label=label,
                            origin=f"doccano:{portable_path(path)}",
                            meta=_record_meta(record.get("meta")), gold=gold, note=note)
