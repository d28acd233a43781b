"""A tokenizer that normalises the text first and remembers where each character came from."""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ..extensions import register_extensions
from ..normalise import normalise


class NormalisingTokenizer:
    """Wraps spaCy's rule tokenizer: ``doc.text`` is the normalised text, while
    ``doc._.original_text`` and ``doc._.offset_map`` lead back to the input."""

    def __init__(self, base: Callable[[str], Doc]) -> None:
        self.base = base

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        doc = self.base(norm.text)
        doc._.original_text = text
        doc._.offset_map = norm.offsets
        doc._.offset_ends = norm.ends
        return doc

    # spaCy serialises the tokenizer with the pipeline; the rules live in the base tokenizer.
    def to_bytes(self, **kwargs) -> bytes:
        return self.base.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs) -> NormalisingTokenizer:
        self.base.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path, **kwargs) -> None:
        self.base.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs) -> NormalisingTokenizer:
        self.base.from_disk(path, **kwargs)
        return self


@registry.tokenizers("claimtrace.normalising_tokenizer.v1")
def create_normalising_tokenizer() -> Callable[[Language], NormalisingTokenizer]:
    """Config entry: ``[nlp.tokenizer] @tokenizers = "claimtrace.normalising_tokenizer.v1"``."""
    register_extensions()

    make_base = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> NormalisingTokenizer:
        return NormalisingTokenizer(make_base(nlp))  # shares nlp.vocab and the language rules

    return make
