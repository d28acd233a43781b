"""Claims: one attributed proposition per sentence of quoted content or reported clause."""

from .component import ClaimBuilder, make_claims

__all__ = ["ClaimBuilder", "make_claims"]
