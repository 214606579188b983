"""Shared helpers of the reliability tests: settings for a given index, loopback ports, children.

Plain functions and constants (fixtures live in conftest.py); the test modules import them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from rag.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("STRIKEQA_SOAK") == "1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APP_START_TIMEOUT_S = 120


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Terminate a child this test started, killing it if it ignores SIGTERM."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + APP_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer /_stcore/health within {APP_START_TIMEOUT_S} s")
