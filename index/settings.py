"""Ingestion settings: one pydantic-settings object, env prefix STRIKEQA_, read once by callers."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
EMBED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_CACHE_DIR = REPO_ROOT / ".strikeqa" / "models"  # the ONNX export of the embedding model


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STRIKEQA_", env_file=".env", extra="ignore")

    data_dir: Path = REPO_ROOT / "data"
    articles_dir: Path = REPO_ROOT / "data" / "articles"
    chroma_dir: Path = REPO_ROOT / ".strikeqa" / "chroma"
    chroma_host: str | None = None  # set (with chroma_port) to use a `chroma run` server
    chroma_port: int = 8000
    collection: str = "strikeqa"
    embed_model: str = EMBED_MODEL_NAME
    model_cache_dir: Path = MODEL_CACHE_DIR
    chunk_sentences: int = 1  # sentences per chunk; 1 measured best (see README)
    max_file_mb: float = 20.0  # larger files are skipped with a warning
    dup_similarity: float = 0.72  # with shared words (dedup.py): a rewrite of the same sentence

    @property
    def manifest_path(self) -> Path:
        return self.articles_dir / "manifest.yaml"

    @property
    def lock_path(self) -> Path:
        return self.chroma_dir.parent / "build.lock"
