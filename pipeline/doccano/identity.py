"""Identities that follow the content: match spans (claims, quotes) of one article across two
versions of the pipeline's output, so a human label stays on the item it was given to.

Ids such as ``C4`` are positions: they shift when the pipeline finds one more quote earlier in
the article. An *anchor* describes an item by what it covers instead: its offsets, a hash of its
text and a hash of the text around it. The rule, applied in this order, one-to-one:

1. **exact**: same start, end, text and context (``CONTEXT`` characters either side);
2. **moved**: same text and context, anywhere (text was added or removed elsewhere);
3. **same place**: same start, end and text (the text next to it changed);
4. **moved, unique**: same text, occurring exactly once among the still unmatched items of
   each version (the surrounding text changed, the sentence did not);
5. anything else is **changed**: the old item is *orphaned* (reported, never moved onto
   another item) and the new item gets a new identity.

A repeated sentence ("No.") is thus told apart by what surrounds it, never by its position
alone.

Pure functions, no I/O; used by push (to re-point doccano examples at the new version) and
pull (to find the claim a stance example belongs to).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

CONTEXT = 32


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Anchor:
    """Where an item is and what it covers, comparable across versions of an article."""

    start: int
    end: int
    text: str  # a hash of the item's text
    context: str  # a hash of the text around it

    def encode(self) -> str:
        """Compact form kept in doccano metadata: ``start:end:text:context``."""
        return f"{self.start}:{self.end}:{self.text}:{self.context}"

    @classmethod
    def decode(cls, value: str | None) -> Anchor | None:
        """The anchor written by ``encode`` (None for a missing or malformed value)."""
        parts = (value or "").split(":")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2], parts[3])


def anchor_of(text: str, start: int, end: int) -> Anchor:
    """The anchor of ``text[start:end]`` inside an article ``text``."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return Anchor(start, end, _digest(text[start:end]), _digest(before + "\x00" + after))


@dataclass
class Matching:
    """Result of matching old items to new ones (keys are the callers' own ids)."""

    pairs: dict[str, str] = field(default_factory=dict)  # old key -> new key
    how: dict[str, str] = field(default_factory=dict)  # old key -> the rule that matched it
    orphaned: list[str] = field(default_factory=list)  # old keys without a match
    new: list[str] = field(default_factory=list)  # new keys without a match


def match(old: dict[str, Anchor], new: dict[str, Anchor]) -> Matching:
    """Match ``old`` items to ``new`` ones by the rule in the module docstring."""
    result = Matching()
    left_old = dict(old)
    left_new = dict(new)

    def pair(rule: str, same) -> None:  # noqa: ANN001
        for old_key, old_anchor in sorted(left_old.items(), key=lambda kv: kv[1].start):
            found = next(
                (
                    k
                    for k, a in sorted(left_new.items(), key=lambda kv: kv[1].start)
                    if same(old_anchor, a)
                ),
                None,
            )
            if found is not None:
                result.pairs[old_key] = found
                result.how[old_key] = rule
                del left_old[old_key], left_new[found]

    pair("exact", lambda a, b: a == b)
    pair("moved", lambda a, b: (a.text, a.context) == (b.text, b.context))
    pair("same place", lambda a, b: (a.start, a.end, a.text) == (b.start, b.end, b.text))
    old_counts = Counter(a.text for a in left_old.values())
    new_counts = Counter(a.text for a in left_new.values())
    pair(
        "moved-unique",
        lambda a, b: a.text == b.text and old_counts[a.text] == 1 and new_counts[b.text] == 1,
    )
    result.orphaned = sorted(left_old, key=lambda k: old[k].start)
    result.new = sorted(left_new, key=lambda k: new[k].start)
    return result


def claim_anchors(record: dict) -> dict[str, Anchor]:
    """Anchors of a record's claims by claim id."""
    text = record["text"]
    return {c["id"]: anchor_of(text, c["start"], c["end"]) for c in record["claims"]}
