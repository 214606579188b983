"""Shared fixtures: the real bundled embedder, tmp-dir IndexSettings, the real corpus built once.

Everything here is real (MiniLM on CPU, Chroma persistent in a tmp dir); nothing touches the
repo's own index in .strikeqa/ or its corpus in data/articles/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from index.settings import IndexSettings

if TYPE_CHECKING:  # index.build pulls in llama-index and chromadb: import them only when used
    from index.build import BuildSummary
    from index.store import IndexState

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# A developer's STRIKEQA_CHROMA_HOST (etc.) must not redirect the tests to their own index.
for _field in IndexSettings.model_fields:
    os.environ.pop(f"STRIKEQA_{_field.upper()}", None)

settings.register_profile(
    "strikeqa", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("strikeqa")

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT / "data" / "articles"
CORPUS_IDS = tuple(sorted(p.stem for p in CORPUS_DIR.glob("*.txt")))

SettingsFactory = Callable[..., IndexSettings]


@dataclass(frozen=True, slots=True)
class BuiltCorpus:
    settings: IndexSettings  # points at the built index; its articles_dir is a copy of the corpus
    summary: BuildSummary  # what the one build reported
    state: IndexState  # what it committed: articles, chunks, vector keys, duplicate groups


def make_settings(root: Path, **overrides) -> IndexSettings:
    """IndexSettings for an index under `root`, with `root/articles` a fresh copy of the corpus.

    Reads no .env file; `overrides` win (e.g. chroma_host=..., embed_model=...)."""
    articles = root / "articles"
    if not articles.exists():
        shutil.copytree(CORPUS_DIR, articles)
    chroma_dir = root / "index" / "chroma"
    values = {"articles_dir": articles, "chroma_dir": chroma_dir, "chroma_host": None}
    return IndexSettings(_env_file=None, **{**values, **overrides})


@pytest.fixture(scope="session")
def embedder():
    """The real bundled all-MiniLM-L6-v2 (HuggingFaceEmbedding), loaded once per session."""
    from index.embed import load_embedder

    return load_embedder()


@pytest.fixture
def settings_factory(tmp_path: Path) -> SettingsFactory:
    """make_settings(tmp_path, **overrides): every call in a test shares one corpus copy and index
    unless overridden, so two calls can describe the same index with different options."""
    return lambda **overrides: make_settings(tmp_path, **overrides)


@pytest.fixture
def tmp_settings(settings_factory: SettingsFactory) -> IndexSettings:
    """Settings for an empty index in tmp_path over a fresh copy of the five-article corpus."""
    return settings_factory()


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory: pytest.TempPathFactory, embedder) -> BuiltCorpus:
    """The real five-article corpus, cleaned, chunked, embedded and committed to a local Chroma
    in a session tmp dir by one `build_index` call; shared by index, rag and eval tests.

    Treat it as read-only: query it, read its state, or copy its directory (settings.chroma_dir
    .parent) elsewhere before building into it. Tests that edit articles or rebuild must make their
    own index (tmp_settings / settings_factory).
    """
    from index import store
    from index.build import build_index

    built_settings = make_settings(tmp_path_factory.mktemp("built_corpus"))
    summary = build_index(built_settings, embedder)
    state = store.read_state(store.open_client(built_settings), built_settings)
    return BuiltCorpus(built_settings, summary, state)
