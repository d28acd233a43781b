"""UI words and colours (package data ``templates/labels.json``), loaded once."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    """Resolution explanations, quote type names and the speaker palette."""
    text = resources.files("pipeline.report").joinpath("templates/labels.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def speaker_colours(index: int | None) -> tuple[str, str]:
    """(background, border) for the speaker at ``index``; None is "no speaker"."""
    data = labels()
    if index is None:
        return tuple(data["no_speaker"])  # type: ignore[return-value]
    palette = data["palette"]
    return tuple(palette[index % len(palette)])  # type: ignore[return-value]
