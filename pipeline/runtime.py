"""Process set-up for batch runs: load only what the run uses, and keep stderr for progress.

``import spacy`` imports torch whenever torch is installed, because thinc's optional PyTorch
layer (``thinc.compat``) probes for it. claimtrace never uses that layer: spaCy's models run on
numpy, and the stance model calls torch directly. :func:`lean_imports` imports spaCy while
``sys.modules["torch"]`` is ``None`` (Python's documented way to make an import fail), so thinc
records "no torch" and the process saves about a second and 250 MB; torch is importable again
right afterwards, and the stance component imports it only when the run has stance targets.
Call it before anything imports spaCy; once spaCy is imported it does nothing.
"""

from __future__ import annotations

import os
import sys
import warnings

_QUIET_ENV = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # no per-process "Loading weights" bar
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_LIBRARIES = r"(transformers|peft|torch|huggingface_hub|accelerate|tokenizers)(\.|$)"


def lean_imports() -> bool:
    """Import spaCy without thinc's torch probe; True if torch stayed out of the process."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        return "torch" not in sys.modules
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
        import thinc.api  # noqa: F401
    finally:
        del sys.modules["torch"]
    return True


def quiet_libraries() -> None:
    """Silence library progress bars and FutureWarnings in this process and the worker processes
    it starts (they inherit the environment); claimtrace's own progress stays on stderr."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    warnings.filterwarnings("ignore", category=FutureWarning, module=_LIBRARIES)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=_LIBRARIES)
    if "transformers" in sys.modules:  # imported before us: the environment came too late
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
