"""Shared helpers of the reliability tests: settings and environment for a given index.

Plain functions and constants (fixtures live in conftest.py); the test modules import them.
"""

from __future__ import annotations

import os

from answer_support import answer_settings  # noqa: F401  (re-exported for the tests)
from browser_support import REPO_ROOT, free_port, stop  # noqa: F401  (re-exported for the tests)

SOAK = os.environ.get("STRIKEQA_SOAK") == "1"


def index_env(index_settings) -> dict[str, str]:
    """The STRIKEQA_ variables a subprocess needs to use `index_settings`' corpus and index."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "STRIKEQA_ARTICLES_DIR": str(index_settings.articles_dir),
        "STRIKEQA_CHROMA_DIR": str(index_settings.chroma_dir),
        "STRIKEQA_DATA_DIR": str(index_settings.chroma_dir.parent),
    }
