"""rag Settings for a given test index: shared by the answering and reliability tests."""

from __future__ import annotations

from rag.settings import Settings


def answer_settings(index_settings, **overrides) -> Settings:
    """rag Settings for the index `index_settings` describes (no .env file read)."""
    values = {
        "articles_dir": index_settings.articles_dir,
        "chroma_dir": index_settings.chroma_dir,
        "chroma_host": index_settings.chroma_host,
        "chroma_port": index_settings.chroma_port,
        "data_dir": index_settings.chroma_dir.parent,
    }
    return Settings(_env_file=None, **{**values, **overrides})
