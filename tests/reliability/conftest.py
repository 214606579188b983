"""Reliability fixtures: the real engine, loopback ports, `streamlit run` and Debian's Chromium.

Soak-marked tests (the full-size load and fault runs) are skipped unless STRIKEQA_SOAK=1; the
default run keeps a reduced form of each so `make test` still exercises every path.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO_ROOT,
    SOAK,
    answer_settings,
    free_port,
    index_env,
    stop,
    wait_until_healthy,
)

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
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = index_env(built_corpus.settings)
    env["STRIKEQA_DATA_DIR"] = str(tmp_path_factory.mktemp("app-data"))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Debian's) for the module; each test opens its own contexts."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
