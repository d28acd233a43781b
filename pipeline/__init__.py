"""claimtrace: who said what, about whom, with what stance.

The package is imported as ``pipeline``; the distribution and the CLI are ``claimtrace``.
Importing it registers nothing: components register when ``pipeline.components`` is imported
(``pipeline.build.load_pipeline`` does that for you).
"""

__version__ = "0.1.0"
SCHEMA_VERSION = "1.0.0"
