"""Defaults shared by the corpus commands (kept apart so the CLI starts without heavy imports)."""

# Word 3-gram Jaccard at or above which two articles are near-duplicates; chosen with
# benchmarks/corpus.py (planted near-duplicates among PolNeAR articles, docs/corpus.md).
DEFAULT_THRESHOLD = 0.4
# Word pieces of an article (headline and lead) that `corpus similar` embeds: the length
# all-MiniLM-L6-v2 was trained at, and 2.5x faster than 256 here.
DEFAULT_MAX_TOKENS = 128
