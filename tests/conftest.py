"""Shared fixtures: the real pipeline, loaded once per test session."""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline (configs/default.cfg) with the real spaCy model."""
    from pipeline.build import load_pipeline

    return load_pipeline()
