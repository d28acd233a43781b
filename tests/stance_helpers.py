"""Shared helpers for the stance tests (not a test module)."""

from __future__ import annotations

import os

import pytest

from pipeline.paths import SHARED_DIR

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PERSPECTRUM = SHARED_DIR / "data" / "perspectrum"
NEWSMTSC = SHARED_DIR / "data" / "newsmtsc"
DEBATER = SHARED_DIR / "data" / "ibm-debater"


def require_shared() -> None:
    """Skip when ../shared data is absent locally; fail loudly in CI (CI=true)."""
    missing = [str(p) for p in (PERSPECTRUM, NEWSMTSC, DEBATER) if not p.is_dir()]
    if not missing:
        return
    message = f"stance test data missing: {', '.join(missing)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def doc_with_claim_texts(nlp, text: str, claims: list[str]):
    """A doc of ``nlp`` whose claims are the given substrings of ``text`` (ids C1, C2, ...)."""
    from pipeline.types import Claim

    doc = nlp(text)
    spans = [doc.char_span(text.index(c), text.index(c) + len(c)) for c in claims]
    doc._.claims = [Claim(id=f"C{i + 1}", span=span, quote_id=f"Q{i + 1}", type="direct")
                    for i, span in enumerate(spans)]
    return doc
