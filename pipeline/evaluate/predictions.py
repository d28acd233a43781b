"""Predictions to score: claimtrace records read from JSONL, or made by running the pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.items import GoldDoc, PredDoc, PredQuote
from pipeline.jsonl import iter_jsonl


def _pair(obj: dict | None) -> tuple[int, int] | None:
    return (int(obj["start"]), int(obj["end"])) if obj else None


def record_to_pred(record: dict) -> PredDoc:
    """A claimtrace article (or error) record -> ``PredDoc``."""
    doc_id = str(record.get("id"))
    if "error" in record:
        return PredDoc(id=doc_id, quotes=[], error=str(record["error"].get("code")))
    quotes = []
    for quote in record.get("quotes", []):
        speaker = quote.get("speaker") or {}
        quotes.append(PredQuote(
            fragments=[(int(quote["start"]), int(quote["end"]))],
            type=quote["type"],
            cue=_pair(quote.get("cue")),
            speaker_mention=_pair(speaker.get("mention")),
            speaker_name=speaker.get("name"),
            resolution=speaker.get("resolution"),
            id=quote.get("id"),
            continues=quote.get("continues"),
        ))
    return PredDoc(id=doc_id, quotes=quotes)


def merge_continuations(pred: PredDoc, text: str) -> PredDoc:
    """Join the quotes the pipeline links with ``continues`` into one discontinuous prediction.

    PolNeAR annotates ``"A," he said. "B."`` as one attribution whose content has two fragments;
    the pipeline outputs two quotes and marks the second as continuing the first, so the
    attribution is scored as the unit it is. ``text`` is unused; kept for a stable signature.
    """
    merged: list[PredQuote] = []
    by_id: dict[str, PredQuote] = {}
    for quote in pred.quotes:
        head = by_id.get(quote.continues) if quote.continues else None
        if head is not None:
            head.fragments = head.fragments + quote.fragments
            if quote.id:
                by_id[quote.id] = head
            continue
        copy = PredQuote(list(quote.fragments), quote.type, quote.cue, quote.speaker_mention,
                         quote.speaker_name, quote.resolution, quote.id, quote.continues)
        merged.append(copy)
        if quote.id:
            by_id[quote.id] = copy
    return PredDoc(pred.id, merged, pred.error)


def check_same_text(record: dict, gold: GoldDoc) -> None:
    """Refuse a prediction whose text differs from the gold text (its offsets would be wrong)."""
    if "text" in record and record["text"] != gold.text:
        raise ClaimtraceError(Errors.E408, id=gold.id)


def read_predictions(path: str | Path, gold_docs: list[GoldDoc]) -> dict[str, PredDoc]:
    """Read a predictions JSONL and keep the records whose id is a gold article id."""
    path = Path(path)
    if not path.exists():
        raise ClaimtraceError(Errors.E407, path=str(path), detail="file not found")
    by_id = {doc.id: doc for doc in gold_docs}
    preds: dict[str, PredDoc] = {}
    def bad_line(number: int, exc: json.JSONDecodeError) -> ClaimtraceError:
        return ClaimtraceError(Errors.E407, path=str(path), detail=f"line {number}: {exc}")

    for _, record in iter_jsonl(path, bad_line):
        doc_id = str(record.get("id"))
        if doc_id in by_id:
            check_same_text(record, by_id[doc_id])
            preds[doc_id] = record_to_pred(record)
    return preds


def annotate_gold_texts(gold_docs: list[GoldDoc], config: str, progress: bool = True,
                        overrides: dict | None = None,
                        records_out: list[dict] | None = None) -> dict[str, PredDoc]:
    """Run the pipeline on every gold text (as `claimtrace annotate` does) and return its
    predictions by article id; a document that fails gets an error record, i.e. no quotes.

    ``records_out``, when given, collects the full records (e.g. to save them for inspection).
    """
    from pipeline.annotate import annotate
    from pipeline.build import load_pipeline
    from pipeline.inputs import Article

    nlp = load_pipeline(config, overrides)
    if "stance" in nlp.pipe_names:
        nlp.disable_pipe("stance")  # the scores here are extraction scores; stance has its own
    articles = [Article(id=doc.id, text=doc.text, meta={"source": doc.source},
                        source=doc.source) for doc in gold_docs]
    records: Iterable[dict] = annotate(nlp, articles, batch_size=4)
    if progress:
        from rich.console import Console
        from rich.progress import track
        records = track(records, total=len(articles), description="Annotating gold texts",
                        console=Console(stderr=True))  # stdout may carry --json
    preds: dict[str, PredDoc] = {}
    for gold, record in zip(gold_docs, records, strict=True):
        check_same_text(record, gold)
        preds[gold.id] = record_to_pred(record)
        if records_out is not None:
            records_out.append(record)
    return preds
