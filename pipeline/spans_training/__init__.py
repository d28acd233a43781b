"""Training the span tagger (``pipeline.components.spans``): features and BIO tags from
PolNeAR-style brat gold (``data``), torch training on CPU (``train``), the ``claimtrace spans``
commands (``cli``). Nothing here runs when the pipeline annotates."""
