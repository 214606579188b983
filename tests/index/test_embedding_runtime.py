"""The embedding runtime: ONNX Runtime gives the sentence-transformers vectors, without torch, and a
missing, stale or impossible export never leaves the user without a working model."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from index.embed import OnnxEmbedding, load_embedder, load_torch_embedder, prepared_onnx

LONG_TEXT = " ".join(["The strike affected appointments at clinics across the region."] * 40)


@pytest.fixture(scope="module")
def torch_embedder():
    return load_torch_embedder()


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    return np.sum(np.array(a) * np.array(b), axis=1)


def test_onnx_vectors_equal_sentence_transformers_on_every_chunk(
    embedder, torch_embedder, built_corpus
):
    texts = [s.chunk.text for s in built_corpus.state.chunks] + [LONG_TEXT, "", "?"]
    assert isinstance(embedder, OnnxEmbedding)
    ours = embedder.get_text_embedding_batch(texts)
    reference = torch_embedder.get_text_embedding_batch(texts)
    assert cosines(ours, reference).min() >= 0.9999


def test_query_vectors_equal_sentence_transformers(embedder, torch_embedder):
    questions = ["will my appt be cancelled bc of the strike", "¿Dónde están los piquetes?"]
    ours = [embedder.get_query_embedding(q) for q in questions]
    reference = [torch_embedder.get_query_embedding(q) for q in questions]
    assert cosines(ours, reference).min() >= 0.9999


def test_answering_never_imports_torch():
    """Torch takes ~8 s to import: the cold start of every CLI answer and app session."""
    code = (
        "import sys; from index.embed import load_embedder; "
        "load_embedder().get_query_embedding('hello'); print('torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_unwritable_model_cache_falls_back_to_the_torch_model(tmp_path, torch_embedder):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache folder should be")
    fallback = load_embedder(cache_dir=blocker / "models")
    assert not isinstance(fallback, OnnxEmbedding)
    question = "Where are the picket lines?"
    same = cosines(
        [fallback.get_query_embedding(question)], [torch_embedder.get_query_embedding(question)]
    )
    assert same.min() >= 0.9999


def test_a_stale_export_is_made_again_and_checked(tmp_path, embedder, torch_embedder):
    from index.embed import model_path

    stale = prepared_onnx(model_path(embedder.model_name), tmp_path)  # a fresh export, ~15 s
    sidecar = stale.with_suffix(".json")
    sidecar.write_text(json.dumps({"model_dir": "elsewhere", "weights": {}}))
    stale.write_bytes(b"not an onnx model")
    renewed = load_embedder(cache_dir=tmp_path)
    assert isinstance(renewed, OnnxEmbedding)
    assert json.loads(sidecar.read_text())["model_dir"] != "elsewhere"
    question = "Is the strike still going on?"
    same = cosines(
        [renewed.get_query_embedding(question)], [torch_embedder.get_query_embedding(question)]
    )
    assert same.min() >= 0.9999
