"""Checks on component settings: a bad config value is a coded error naming its key
(``components.NAME.KEY``), raised when the pipeline is built, not a traceback mid-article."""

from __future__ import annotations

from typing import Any

from ..errors import ClaimtraceError, Errors


def invalid(component: str, key: str, value: Any, expected: str) -> ClaimtraceError:
    """The E150 error for ``[components.<component>] <key> = <value>``."""
    return ClaimtraceError(Errors.E150, key=f"components.{component}.{key}", value=value,
                           expected=expected, section=component, name=key)


def whole(component: str, key: str, value: Any, minimum: int = 0) -> int:
    """``value`` if it is an int >= ``minimum`` (bools refused), else E150."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise invalid(component, key, value, f"expected a whole number >= {minimum}")
    return value


def flag(component: str, key: str, value: Any) -> bool:
    """``value`` if it is a bool, else E150."""
    if not isinstance(value, bool):
        raise invalid(component, key, value, "expected true or false")
    return value


def number(component: str, key: str, value: Any) -> float:
    """``value`` if it is a number (bools refused), else E150."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(component, key, value, "expected a number")
    return float(value)


def fraction(component: str, key: str, value: Any) -> float:
    """``value`` if it is a number in [0, 1], else E150."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise invalid(component, key, value, "expected a number between 0 and 1")
    return float(value)


def resource(component: str, key: str, value: Any, optional: bool = False) -> str:
    """A resource path (``resources:NAME`` or a file path); empty only when ``optional``."""
    if value is None and optional:
        return ""
    if not isinstance(value, str) or (not value.strip() and not optional):
        raise invalid(component, key, value, "expected a file path or resources:NAME")
    return value
