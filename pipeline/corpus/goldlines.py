"""Corpus gold lines: claimtrace's gold JSONL (docs/evaluation.md) with every field present.

A line is readable by ``claimtrace evaluate --gold`` and by the stance trainer (``claims[].stance``)
as it stands, and has one fixed shape so ``datasets`` can load the files. Discontinuous spans
(PolNeAR) keep their ``fragments``; ``start``/``end`` run from the first to the last character.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.evaluate.items import GoldDoc, infer_quote_type

Fragment = Sequence[int]
STATES = ("gold", "corrected", "unconfirmed")
LINE_FIELDS = ("id", "article_id", "state", "origin", "text", "text_source", "text_sha256",
               "quotes", "negatives", "claims")


def span(fragments: Sequence[Fragment] | None) -> dict | None:
    """``{start, end, fragments}`` for a non-empty list of fragments, else None."""
    if not fragments:
        return None
    frags = [[int(s), int(e)] for s, e in sorted(fragments)]
    return {"start": frags[0][0], "end": frags[-1][1], "fragments": frags}


def quote(fragments: Sequence[Fragment], qtype: str, cue: Sequence[Fragment] | None,
          mention: Sequence[Fragment] | None, name: str | None = None,
          aliases: Sequence[str] = ()) -> dict:
    """One gold quote with every field."""
    content = span(fragments)
    return {**content, "type": qtype, "cue": span(cue),
            "speaker": {"mention": span(mention), "name": name, "aliases": list(aliases)}}


def from_gold_doc(doc: GoldDoc) -> dict:
    """Quotes and negatives of a gold article read by the evaluate readers (brat, own JSONL)."""
    return {
        "quotes": [quote(q.fragments, q.type, q.cue, q.source, q.name, q.aliases)
                   for q in doc.quotes],
        "negatives": [{"start": n.start, "end": n.end, "kind": n.kind} for n in doc.negatives],
        "claims": [],
    }


def _pair(obj: dict | None) -> list[list[int]] | None:
    if not obj or obj.get("start") is None:
        return None
    return [[obj["start"], obj["end"]]]


def from_record(record: dict) -> dict:
    """Quotes and claims (with their stance labels and review state) of a claimtrace record,
    e.g. one pulled from doccano."""
    text = record["text"]
    quotes, index = [], {}
    for q in record.get("quotes") or []:
        speaker = q.get("speaker") or {}
        qtype = q.get("type") or infer_quote_type([text[q["start"]:q["end"]]])
        index[q.get("id")] = len(quotes)
        quotes.append(quote([[q["start"], q["end"]]], qtype, _pair(q.get("cue")),
                            _pair(speaker.get("mention")), speaker.get("name")))
    claims = []
    for c in record.get("claims") or []:
        stance = [{"target": s.get("target"), "label": s.get("label"),
                   "review": s.get("review")} for s in c.get("stance") or []]
        claims.append({"start": c["start"], "end": c["end"], "text": text[c["start"]:c["end"]],
                       "type": c.get("type"), "quote": index.get(c.get("quote_id")),
                       "stance": stance})
    return {"quotes": quotes, "negatives": [], "claims": claims}


def line(article: dict, annotations: dict, state: str, origin: str, text_source: str) -> dict:
    """A full gold line for ``article``; the text is referenced, never copied."""
    return {"id": article["name"], "article_id": article["id"], "state": state, "origin": origin,
            "text": None, "text_source": text_source, "text_sha256": article["text_sha256"],
            "quotes": annotations.get("quotes", []),
            "negatives": annotations.get("negatives", []),
            "claims": annotations.get("claims", [])}
