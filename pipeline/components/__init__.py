"""spaCy components of the claimtrace pipeline, one folder per task. Importing this package
registers them (an installed claimtrace also registers them through entry points, so
``spacy.load`` finds them without this import)."""

from . import (  # noqa: F401
    actors,
    attribute_memo,
    attribution,
    claims,
    quotes,
    spans,
    structure,
    tokenizer,
)
