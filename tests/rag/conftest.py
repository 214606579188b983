"""Fixtures for answering tests: a real Engine over the real corpus index (built once per session)."""

from __future__ import annotations

import pytest
from answer_support import answer_settings

from rag.engine import Engine, build_engine

rag_settings = answer_settings


@pytest.fixture(scope="session")
def settings_for():
    """rag_settings as a fixture, for tests that need Settings for another answer mode."""
    return rag_settings


@pytest.fixture(scope="session")
def engine(built_corpus, embedder) -> Engine:
    """The real extractive engine (MiniLM + Chroma + BM25) over the five-article corpus."""
    return build_engine(rag_settings(built_corpus.settings), embedder=embedder)
