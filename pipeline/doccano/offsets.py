"""Code-point <-> UTF-16 offsets: the pipeline counts code points, doccano's UI UTF-16 units.

Texts without characters outside the BMP (emoji, some CJK) give identical offsets both ways.
"""

from __future__ import annotations


class OffsetMap:
    """Converts offsets of one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.astral = any(ord(ch) > 0xFFFF for ch in text)
        self._to_u16: list[int] = []
        self._to_cp: dict[int, int] = {}
        if self.astral:
            unit = 0
            for index, ch in enumerate(text):
                self._to_u16.append(unit)
                self._to_cp[unit] = index
                unit += 2 if ord(ch) > 0xFFFF else 1
            self._to_u16.append(unit)
            self._to_cp[unit] = len(text)
            self.u16_length = unit
        else:
            self.u16_length = len(text)

    def to_u16(self, cp: int) -> int:
        """UTF-16 offset of a code-point offset (0..len(text))."""
        if not 0 <= cp <= len(self.text):
            raise ValueError(f"offset {cp} outside text of length {len(self.text)}")
        return self._to_u16[cp] if self.astral else cp

    def to_cp(self, u16: int, *, end: bool = False) -> int:
        """Code-point offset of a UTF-16 offset; one inside a surrogate pair snaps outward
        (a start to the character's start, an end past the character)."""
        u16 = min(max(u16, 0), self.u16_length)
        if not self.astral:
            return u16
        if u16 in self._to_cp:
            return self._to_cp[u16]
        return self._to_cp[u16 + 1] if end else self._to_cp[u16 - 1]

    def span_to_u16(self, start: int, end: int) -> tuple[int, int]:
        """A code-point span as UTF-16 offsets."""
        return self.to_u16(start), self.to_u16(end)

    def span_to_cp(self, start: int, end: int) -> tuple[int, int]:
        """A UTF-16 span as code-point offsets."""
        return self.to_cp(start), self.to_cp(end, end=True)
