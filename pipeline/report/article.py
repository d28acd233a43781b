"""The view of one annotated article that the `show` template draws.

Everything here is plain data (dicts, lists, strings); the template escapes every string, so
article text and names (untrusted input) never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.report.labels import labels
from pipeline.report.records import number, objects
from pipeline.report.spans import Mark, Segment, SpanChecker, segment

STANCE_ORDER = ("favor", "against", "neutral")
SENTIMENT_ORDER = ("positive", "negative", "neutral")


@dataclass
class ArticleView:
    """What the template needs for one article: header facts, legend, tokens, cards."""

    dom: str
    id: str
    source: str
    provenance: dict[str, Any]
    targets: list[str]
    speakers: list[dict]
    quotes: list[dict]
    claims: list[dict]
    actors: list[dict]
    tokens: list[dict]
    warnings: list[str] = field(default_factory=list)
    record_warnings: list[dict] = field(default_factory=list)


def speaker_key(speaker: dict | None) -> str | None:
    """Who a speaker is for colouring: the actor, else the name, else the mention text."""
    if not isinstance(speaker, dict):
        return None
    if speaker.get("actor_id"):
        return f"actor:{speaker['actor_id']}"
    if speaker.get("name"):
        return f"name:{str(speaker['name']).casefold()}"
    mention = speaker.get("mention")
    if isinstance(mention, dict) and mention.get("text"):
        return f"mention:{str(mention['text']).casefold()}"
    return None


def speaker_label(speaker: dict | None) -> str:
    """The speaker's canonical name, else its mention text, else "no speaker found"."""
    if not isinstance(speaker, dict):
        return "no speaker found"
    if speaker.get("name"):
        return str(speaker["name"])
    mention = speaker.get("mention")
    if isinstance(mention, dict) and mention.get("text"):
        return f"“{mention['text']}” (not tied to a named actor)"
    return "no speaker found"


def _ordered_scores(scores: Any, order: tuple[str, ...]) -> list[tuple[str, float]]:
    if not isinstance(scores, dict):
        return []
    keys = [k for k in order if k in scores] + sorted(k for k in scores if k not in order)
    return [(str(k), number(scores[k])) for k in keys
            if isinstance(scores[k], int | float) and not isinstance(scores[k], bool)]


def stance_view(entry: dict, target_index: dict[str, int]) -> dict:
    """One claim x target stance for badges and the tooltip."""
    target = str(entry.get("target", ""))
    return {
        "target": target,
        "tag": f"T{target_index[target] + 1}",
        "label": str(entry.get("label", "neutral")),
        "score": number(entry.get("score")),
        "scores": _ordered_scores(entry.get("scores"), STANCE_ORDER),
        "relevance": number(entry.get("relevance"), None),
        "gated": bool(entry.get("gated")),
    }


def _targets(claims: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for claim in claims:
        for entry in objects(claim.get("stance")):
            if isinstance(entry.get("target"), str):
                seen.setdefault(entry["target"], None)
    return list(seen)


def _speaker_table(quotes: list[dict]) -> dict[str, int]:
    """Speaker key -> colour index, in order of first quote."""
    order: dict[str, int] = {}
    for quote in quotes:
        key = speaker_key(quote.get("speaker"))
        if key is not None and key not in order:
            order[key] = len(order)
    return order


def build_article(record: dict, dom: str = "d0") -> ArticleView:
    """Turn one article record into its view; bad spans become warnings, not crashes."""
    text: str = record["text"]
    doc_id = str(record["id"])
    checker = SpanChecker(doc_id, text)
    names = {str(a.get("id")): a for a in objects(record.get("actors"))}
    quotes_in = objects(record.get("quotes"))
    claims_in = objects(record.get("claims"))
    targets = _targets(claims_in)
    target_index = {t: i for i, t in enumerate(targets)}
    colour_of = _speaker_table(quotes_in)
    res_words = labels()["resolutions"]
    type_words = labels()["quote_types"]
    marks: list[Mark] = []

    claims_by_quote: dict[str, list[dict]] = {}
    claims: list[dict] = []
    for n, claim in enumerate(claims_in):
        cid = str(claim.get("id") or f"C?{n}")
        mark = checker.mark(claim, "claim", cid, f"claim {cid}")
        if mark:
            marks.append(mark)
        view = {
            "id": cid, "dom": f"{dom}-{cid}", "text": str(claim.get("text", "")),
            "quote_id": claim.get("quote_id"), "speaker": speaker_label(claim.get("speaker")),
            "stance": [stance_view(e, target_index) for e in objects(claim.get("stance"))
                       if isinstance(e.get("target"), str)],
            "actor_stance": [
                {"actor": str(names.get(str(e.get("actor_id")), {}).get("name",
                                                                           e.get("actor_id"))),
                 "label": str(e.get("label", "neutral")), "score": number(e.get("score")),
                 "scores": _ordered_scores(e.get("scores"), SENTIMENT_ORDER)}
                for e in objects(claim.get("actor_stance"))],
            "drawn": mark is not None,
        }
        claims.append(view)
        claims_by_quote.setdefault(str(view["quote_id"]), []).append(view)

    quotes: list[dict] = []
    speaker_of_mention: dict[tuple[int, int], int | None] = {}
    for n, quote in enumerate(quotes_in):
        qid = str(quote.get("id") or f"Q?{n}")
        speaker = quote.get("speaker") if isinstance(quote.get("speaker"), dict) else None
        colour = colour_of.get(speaker_key(speaker) or "")
        mark = checker.mark(quote, "quote", qid, f"quote {qid}")
        if mark:
            marks.append(mark)
        cue = quote.get("cue") if isinstance(quote.get("cue"), dict) else None
        cue_mark = checker.mark(cue, "cue", qid, f"cue of {qid}") if cue else None
        if cue_mark:
            marks.append(cue_mark)
        mention = speaker.get("mention") if speaker else None
        mention_mark = (checker.mark(mention, "speaker", qid, f"speaker of {qid}")
                        if isinstance(mention, dict) else None)
        if mention_mark:
            marks.append(mention_mark)
            speaker_of_mention[(mention_mark.start, mention_mark.end)] = colour
        resolution = str(speaker.get("resolution")) if speaker else None
        quotes.append({
            "id": qid, "dom": f"{dom}-{qid}", "type": str(quote.get("type", "")),
            "type_words": type_words.get(str(quote.get("type")), str(quote.get("type"))),
            "speaker": speaker_label(speaker), "colour": colour,
            "mention": str(mention.get("text", "")) if isinstance(mention, dict) else None,
            "resolution": resolution,
            "resolution_words": res_words.get(resolution or "", ""),
            "cue": str(cue.get("text", "")) if cue else None,
            "continues": quote.get("continues"),
            "claims": claims_by_quote.get(qid, []),
            "drawn": mark is not None,
        })

    colour_of_quote = {q["id"]: q["colour"] for q in quotes}
    for claim in claims:
        claim["colour"] = colour_of_quote.get(str(claim["quote_id"]))

    actors: list[dict] = []
    actor_title: dict[str, str] = {}
    speaking = {key.split(":", 1)[1] for key in colour_of if key.startswith("actor:")}
    for actor in objects(record.get("actors")):
        aid = str(actor.get("id", ""))
        actor_title[aid] = f"{actor.get('name', aid)} ({actor.get('type', '?')})"
        mentions = objects(actor.get("mentions"))
        for k, mention in enumerate(mentions):
            mark = checker.mark(mention, "actor", f"{aid}#{k}", f"mention of actor {aid}")
            if mark:
                marks.append(mark)
        actors.append({
            "id": aid, "name": str(actor.get("name", aid)), "type": str(actor.get("type", "")),
            "mentions": len(mentions),
            "roles": [str(r.get("text", "")) for r in objects(actor.get("roles"))],
            "affiliations": [str(a) for a in actor["affiliations"]]
            if isinstance(actor.get("affiliations"), list) else [],
            "speaks": aid in speaking,
            "colour": colour_of.get(f"actor:{aid}"),
        })

    speakers = []
    quote_counts: dict[int | None, int] = {}
    for quote in quotes:
        quote_counts[quote["colour"]] = quote_counts.get(quote["colour"], 0) + 1
    seen_colours: set[int | None] = set()
    for quote in quotes:
        if quote["colour"] not in seen_colours:
            seen_colours.add(quote["colour"])
            speakers.append({"name": quote["speaker"], "colour": quote["colour"],
                             "quotes": quote_counts[quote["colour"]]})

    views = {"quote": {q["id"]: q for q in quotes}, "claim": {c["id"]: c for c in claims}}
    tokens = _tokens(text, segment(len(text), marks), views, speaker_of_mention, actor_title)
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    return ArticleView(
        dom=dom, id=doc_id, source=str(meta.get("source", "")),
        provenance=record.get("provenance") if isinstance(record.get("provenance"), dict)
        else {},
        targets=targets, speakers=speakers, quotes=quotes, claims=claims, actors=actors,
        tokens=tokens, warnings=checker.warnings,
        record_warnings=objects(record.get("warnings")),
    )


def _inner_view(mark: Mark | None, speaker_of_mention: dict, actor_title: dict) -> dict | None:
    if mark is None:
        return None
    if mark.layer == "speaker":
        colour = speaker_of_mention.get((mark.start, mark.end))
        return {"layer": "speaker", "title": "speaker", "colour": colour}
    if mark.layer == "cue":
        return {"layer": "cue", "title": "cue", "colour": None}
    actor_id = mark.key.split("#", 1)[0]
    return {"layer": "actor", "title": actor_title.get(actor_id, actor_id), "colour": None}


def _tokens(text: str, segments: list[Segment], views: dict[str, dict],
            speaker_of_mention: dict, actor_title: dict) -> list[dict]:
    """A flat open/text/close stream, properly nested (quote > claim > inner mark), so the
    template stays a simple loop. A quote interrupted by another quote is split into pieces;
    only its first piece takes keyboard focus."""
    out: list[dict] = []
    open_quote: Mark | None = None
    open_claim: Mark | None = None
    focused: set[str] = set()

    def close_claim(at: int) -> None:
        nonlocal open_claim
        if open_claim is not None:
            out.append({"kind": "close_claim"})
            if at == open_claim.end:
                out.append({"kind": "badges", "claim": views["claim"][open_claim.key]})
            open_claim = None

    for seg in segments:
        if seg.quote != open_quote:
            close_claim(seg.start)
            if open_quote is not None:
                out.append({"kind": "close_quote"})
            open_quote = seg.quote
            if open_quote is not None:
                quote = views["quote"][open_quote.key]
                out.append({"kind": "open_quote", "quote": quote,
                            "focus": quote["id"] not in focused})
                focused.add(quote["id"])
        if seg.claim != open_claim:
            close_claim(seg.start)
            open_claim = seg.claim
            if open_claim is not None:
                out.append({"kind": "open_claim", "claim": views["claim"][open_claim.key]})
        out.append({"kind": "text", "text": text[seg.start:seg.end],
                    "mark": _inner_view(seg.inner, speaker_of_mention, actor_title)})
    close_claim(len(text))
    if open_quote is not None:
        out.append({"kind": "close_quote"})
    return out
