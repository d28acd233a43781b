"""spaCy components of the claimtrace pipeline. Importing this package registers them."""

from . import actors, attribution, claims, paragraphs, quotes, tokenizer  # noqa: F401
