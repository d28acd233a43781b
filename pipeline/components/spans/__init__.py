"""Learned spans: a BiLSTM tagger over the spaCy model's token vectors, parse features and the
rule stage's candidates marks content, cue and source spans (trained on PolNeAR train);
its output is combined with the rule candidates before attribution.

``features`` (the tagger's input), ``tagger`` (numpy inference), ``data`` and ``train``
(training data from brat gold; torch training), ``cli`` (``claimtrace spans``)."""

from .component import SpanFinder, make_spans

__all__ = ["SpanFinder", "make_spans"]
