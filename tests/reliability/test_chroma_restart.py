"""A `chroma run` server that dies mid-session and comes back on the same path and port.

While it is down, Engine.answer raises IndexUnavailable with one line saying the index did not
answer and to check the server (never a raw httpx/chromadb error); once it is back, the same
engine answers again and every committed vector is still there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from harness import answer_settings, free_port, stop

from index import store
from index.build import build_index
from rag.engine import build_engine

CHROMA = Path(sys.executable).with_name("chroma")
pytestmark = pytest.mark.server


def start_chroma(data: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"chroma run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise TimeoutError(f"chroma run did not answer on port {port}")


@pytest.mark.timeout(300)
def test_a_restarted_chroma_server_is_reported_clearly_then_answers_with_all_data(
    settings_factory, embedder
):
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    data = settings_factory().chroma_dir.parent / "server"
    server = start_chroma(data, port)
    try:
        settings = settings_factory(chroma_host="127.0.0.1", chroma_port=port)
        build_index(settings, embedder)
        committed = store.read_state(
            store.open_collection(store.open_client(settings), settings)
        ).keys()
        engine = build_engine(answer_settings(settings), embedder=embedder)
        assert (
            "9961 Sierra Ave."
            in engine.answer("ok whats the address", ["is there a picket in fontana"]).text
        )

        server.kill()  # a crash, not a clean shutdown
        server.wait()
        for question in ("Why are they striking?", "Will my appointment be affected?"):
            with pytest.raises(store.IndexUnavailable) as down:
                engine.answer(question)
            message = str(down.value)
            assert (
                "\n" not in message and "did not answer" in message and "Chroma server" in message
            )

        server = start_chroma(data, port)
        answer = engine.answer("Where are the picket lines?")
        assert answer.citations and not answer.refused
        collection = store.open_collection(store.open_client(settings), settings)
        assert store.read_state(collection).keys() == committed <= store.all_keys(collection)
    finally:
        stop(server)
