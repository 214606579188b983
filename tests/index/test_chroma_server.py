"""The same build against a real `chroma run` server on loopback instead of a local directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.bench.server import ChromaServerUnavailable, chroma_command
from evals.bench.server import chroma_server as running_chroma
from index import store
from index.build import build_index


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server on 127.0.0.1:<free port>, data in tmp_path; always terminated."""
    try:
        chroma_command()
    except ChromaServerUnavailable:
        pytest.skip("the chroma CLI is not installed")
    with running_chroma(tmp_path / "server") as port:
        yield port


@pytest.mark.server
def test_a_build_against_a_chroma_server_reads_back_the_same_chunks(
    chroma_server, settings_factory, embedder, built_corpus
):
    settings = settings_factory(chroma_host="127.0.0.1", chroma_port=chroma_server)

    summary = build_index(settings, embedder)
    again = build_index(settings, embedder)

    collection = store.open_collection(store.open_client(settings), settings)
    state = store.read_state(store.open_client(settings), settings)
    assert (summary.embedded, again.embedded) == (built_corpus.summary.chunks, 0)
    assert [s.chunk for s in state.chunks] == [s.chunk for s in built_corpus.state.chunks]
    assert state.keys() == built_corpus.state.keys() == store.all_keys(collection)
    assert not Path(settings.chroma_dir).exists(), "server mode wrote a local Chroma directory"
