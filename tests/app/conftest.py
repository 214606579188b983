"""App-test fixtures: AppTest runs of app.py against the session's built corpus (never .strikeqa/).

The engine is cached per process (st.cache_resource), so every app test must see the same index
settings: `app_env` sets them for the chat and browser modules (per module, so nothing leaks into
other packages' tests). Tests that point the app at another index clear the cache before and
after them (`fresh_engine_cache`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st


@pytest.fixture(scope="module")
def app_env(built_corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """STRIKEQA_ settings every app run reads: the built corpus and a throwaway feedback dir."""
    env = {
        "STRIKEQA_CHROMA_DIR": str(built_corpus.settings.chroma_dir),
        "STRIKEQA_ARTICLES_DIR": str(built_corpus.settings.articles_dir),
        "STRIKEQA_DATA_DIR": str(tmp_path_factory.mktemp("app-data")),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        yield env


@pytest.fixture
def fresh_engine_cache() -> Iterator[None]:
    """For tests that point the app at another index: no engine cached before or after them."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
