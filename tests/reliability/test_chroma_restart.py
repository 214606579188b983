"""A `chroma run` server that dies mid-session and comes back on the same path and port.

While it is down, Engine.answer raises IndexUnavailable with one line saying the index did not
answer and to check the server (never a raw httpx/chromadb error); once it is back, the same
engine answers again and every committed vector is still there.
"""

from __future__ import annotations

import pytest
from harness import answer_settings, free_port, stop

from evals.bench.server import ChromaServerUnavailable, chroma_command, start_chroma
from index import store
from index.build import build_index
from rag.engine import build_engine

pytestmark = pytest.mark.server


@pytest.mark.timeout(300)
def test_a_restarted_chroma_server_is_reported_clearly_then_answers_with_all_data(
    settings_factory, embedder
):
    try:
        chroma_command()
    except ChromaServerUnavailable:
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    data = settings_factory().chroma_dir.parent / "server"
    server = start_chroma(data, port)
    try:
        settings = settings_factory(chroma_host="127.0.0.1", chroma_port=port)
        build_index(settings, embedder)
        committed = store.read_state(store.open_client(settings), settings).keys()
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
        state = store.read_state(store.open_client(settings), settings)
        assert state.keys() == committed <= store.all_keys(collection)
    finally:
        stop(server)
