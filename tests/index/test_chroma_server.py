"""The same build against a real `chroma run` server on loopback instead of a local directory."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index import store
from index.build import build_index

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_heartbeat(port: int, server: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"chroma run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"no heartbeat from chroma run on port {port} in {timeout_s} s")


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server on 127.0.0.1:<free port>, data in tmp_path; always terminated."""
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    command = [
        str(CHROMA if CHROMA.exists() else "chroma"),
        "run",
        "--path",
        str(tmp_path / "server"),
    ]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_heartbeat(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.server
def test_a_build_against_a_chroma_server_reads_back_the_same_chunks(
    chroma_server, settings_factory, embedder, built_corpus
):
    settings = settings_factory(chroma_host="127.0.0.1", chroma_port=chroma_server)

    summary = build_index(settings, embedder)
    again = build_index(settings, embedder)

    collection = store.open_collection(store.open_client(settings), settings)
    state = store.read_state(collection)
    assert (summary.embedded, again.embedded) == (built_corpus.summary.chunks, 0)
    assert [s.chunk for s in state.chunks] == [s.chunk for s in built_corpus.state.chunks]
    assert state.keys() == built_corpus.state.keys() == store.all_keys(collection)
    assert not Path(settings.chroma_dir).exists(), "server mode wrote a local Chroma directory"
