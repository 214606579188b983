"""Fixtures for answering tests: a real Engine over the real corpus index (built once per session)."""

from __future__ import annotations

import pytest

from rag.engine import Engine, build_engine
from rag.settings import Settings


def rag_settings(index_settings, **overrides) -> Settings:
    """rag Settings for the same index as `index_settings` (no .env file read)."""
    values = {
        "articles_dir": index_settings.articles_dir,
        "chroma_dir": index_settings.chroma_dir,
        "chroma_host": index_settings.chroma_host,
        "chroma_port": index_settings.chroma_port,
        "data_dir": index_settings.chroma_dir.parent,
    }
    return Settings(_env_file=None, **{**values, **overrides})


@pytest.fixture(scope="session")
def settings_for():
    """rag_settings as a fixture, for tests that need Settings for another answer mode."""
    return rag_settings


@pytest.fixture(scope="session")
def engine(built_corpus, embedder) -> Engine:
    """The real extractive engine (MiniLM + Chroma + BM25) over the five-article corpus."""
    return build_engine(rag_settings(built_corpus.settings), embedder=embedder)
