"""Stable, content-based article ids, human-readable names and split assignment.

The id depends on the text alone (after Unicode NFKC and whitespace normalisation), so the same
article always gets the same id, whoever adds it and in whatever order, and two copies that
differ only in spacing are recognised as one article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_LENGTH = 16
SPLITS = ("train", "dev", "test")
# Share of articles per split when a split is assigned from the id (percent).
SPLIT_SHARES = (("train", 80), ("dev", 10), ("test", 10))
_SPACE = re.compile(r"\s+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def normalise_text(text: str) -> str:
    """NFKC, every run of whitespace as one space, no leading or trailing space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_id(text: str) -> str:
    """The article id: the first 16 hex digits of the sha256 of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:ID_LENGTH]


def text_sha256(text: str) -> str:
    """Hex sha256 of the exact UTF-8 text (what gold offsets are checked against)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_for(article_id: str) -> str:
    """A split drawn from the id: stable, and about 80/10/10 over many articles."""
    bucket = int(article_id[:8], 16) % 100
    floor = 0
    for split, share in SPLIT_SHARES:
        floor += share
        if bucket < floor:
            return split
    return SPLIT_SHARES[-1][0]


def slugify(value: str, max_length: int = 60) -> str:
    """A file-name-safe lowercase name: ``"Marlow Bridge (update)"`` -> ``marlow-bridge-update``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_name(wanted: str, article_id: str, taken: set[str]) -> str:
    """``wanted`` slugified, or with the id's first 6 digits appended when another article has
    it already; the id itself when nothing usable is left."""
    base = slugify(wanted) or article_id
    if base not in taken:
        return base
    return f"{base}-{article_id[:6]}"


def first_line_title(text: str, max_chars: int = 200) -> str | None:
    """The first non-empty line when it is short enough to be a headline."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= max_chars else None
    return None
