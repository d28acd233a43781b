"""Code point <-> UTF-16 conversion (pure)."""

from __future__ import annotations

import pytest

from pipeline.doccano.offsets import OffsetMap

from .records import EMOJI_TEXT


def test_bmp_text_is_identity() -> None:
    text = "“Curly” quotes — and O’Neil"
    omap = OffsetMap(text)
    assert not omap.astral
    assert [omap.to_u16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert omap.span_to_cp(3, 9) == (3, 9)


def test_emoji_shifts_later_offsets_by_one_unit_each() -> None:
    omap = OffsetMap(EMOJI_TEXT)
    quote = EMOJI_TEXT.index("“We")
    assert omap.to_u16(quote) == quote + 2  # two emoji before it
    units = EMOJI_TEXT.encode("utf-16-le")
    start, end = omap.span_to_u16(quote, quote + 24)
    assert units[2 * start : 2 * end].decode("utf-16-le") == EMOJI_TEXT[quote : quote + 24]


def test_round_trip_every_offset() -> None:
    omap = OffsetMap(EMOJI_TEXT)
    for cp in range(len(EMOJI_TEXT) + 1):
        assert omap.to_cp(omap.to_u16(cp)) == cp


def test_offset_inside_surrogate_pair_snaps_outward() -> None:
    text = "a😀b"
    omap = OffsetMap(text)
    assert omap.span_to_cp(2, 2) == (1, 2)  # unit 2 is the low surrogate of 😀
    assert omap.to_cp(2) == 1 and omap.to_cp(2, end=True) == 2


def test_out_of_range_code_point_offset_raises() -> None:
    with pytest.raises(ValueError):
        OffsetMap("abc").to_u16(4)
