"""Reliability fixtures: the real engine, loopback ports, `streamlit run` and Debian's Chromium.

Soak-marked tests (the full-size load and fault runs) are skipped unless STRIKEQA_SOAK=1; the
default run keeps a reduced form of each so `make test` still exercises every path.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import CHROMIUM, chromium_browser, streamlit_app
from harness import SOAK, answer_settings, index_env

from rag.engine import Engine, build_engine


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("soak") and not SOAK:
        pytest.skip("full-size soak run: set STRIKEQA_SOAK=1 (make soak)")


@pytest.fixture(scope="session")
def engine(built_corpus, embedder) -> Engine:
    """The real extractive engine over the session's five-article index."""
    return build_engine(answer_settings(built_corpus.settings), embedder=embedder)


@pytest.fixture(scope="module")
def app_url(built_corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port over the session's index."""
    env = index_env(built_corpus.settings)
    env["STRIKEQA_DATA_DIR"] = str(tmp_path_factory.mktemp("app-data"))
    with streamlit_app(env, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Debian's) for the module; each test opens its own contexts."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    with chromium_browser() as chromium:
        yield chromium
