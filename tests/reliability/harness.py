"""Shared helpers of the reliability tests: settings and environment for a given index.

Plain functions and constants (fixtures live in conftest.py); the test modules import them.
"""

from __future__ import annotations

import os

from browser_support import REPO_ROOT, free_port, stop  # noqa: F401  (re-exported for the tests)

from rag.settings import Settings

SOAK = os.environ.get("STRIKEQA_SOAK") == "1"


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


def index_env(index_settings) -> dict[str, str]:
    """The STRIKEQA_ variables a subprocess needs to use `index_settings`' corpus and index."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "STRIKEQA_ARTICLES_DIR": str(index_settings.articles_dir),
        "STRIKEQA_CHROMA_DIR": str(index_settings.chroma_dir),
        "STRIKEQA_DATA_DIR": str(index_settings.chroma_dir.parent),
    }
