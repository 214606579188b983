"""The build: corpus folder -> cleaned, chunked, embedded, de-duplicated index in Chroma.

Incremental: a chunk whose id, text and model are unchanged keeps its vector, and one that only
moved (same text, new offset or ordinal) gets its old vector copied, so an edit re-embeds only the
changed chunks; a removed article's vectors are deleted. One build at a time (a file
lock), and nothing is visible to readers until the final state commit (see store.py). A local
index that cannot be opened, or whose committed vectors went missing, is rebuilt from the corpus.
A corpus that has not changed is a no-op: nothing is written and the model is never loaded.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from filelock import FileLock, Timeout

from index import store
from index.chunk import chunk_article
from index.dedup import group_duplicates
from index.load import LoadResult, corpus_files, load_articles
from index.manifest import read_manifest
from index.settings import IndexSettings
from index.store import IndexState, StoredChunk, Vector
from index.types import Article, Chunk

if TYPE_CHECKING:  # chromadb types only
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

Progress = Callable[[Iterable], Iterable]
EMBED_BATCH = 32


@runtime_checkable
class TextEmbedder(Protocol):
    """What a build needs of a model (a llama-index BaseEmbedding is one)."""

    def get_text_embedding_batch(self, texts: list[str]) -> list[list[float]]: ...


# A model, or a loader called only when some chunk needs a vector: a no-op build never pays the
# model's load (nor llama-index's import).
EmbedderSource = TextEmbedder | Callable[[], TextEmbedder]


class BuildRefused(RuntimeError):
    """The build cannot start (another build holds the lock, no articles, model mismatch)."""


@dataclass(frozen=True, slots=True)
class BuildSummary:
    articles: int
    chunks: int
    embedded: int  # chunks whose vectors were computed in this run
    deleted: int  # stale vectors removed
    duplicate_groups: int
    seconds: float
    skipped: tuple[str, ...]  # one line per file that could not be ingested

    def lines(self) -> list[str]:
        return [
            f"articles: {self.articles}  chunks: {self.chunks}  embedded: {self.embedded}  "
            f"deleted: {self.deleted}  duplicate groups: {self.duplicate_groups}  "
            f"seconds: {self.seconds:.1f}",
            *(f"warning: {line}" for line in self.skipped),
        ]


def build_index(
    settings: IndexSettings,
    embedder: EmbedderSource,
    rebuild: bool = False,
    progress: Progress = lambda items: items,
) -> BuildSummary:
    """Bring the index in line with the corpus folder."""
    started = time.perf_counter()
    loaded = _load_corpus(settings)
    with build_lock(settings.lock_path):
        client, collection, set_aside = _open_for_build(settings)
        stored_keys = store.all_keys(collection)
        collection, previous = _previous_state(client, collection, stored_keys, settings, rebuild)
        state, fresh = _plan(settings, loaded.articles, previous)
        if previous is not None and not fresh and _unchanged(state, previous, stored_keys):
            return _summary(previous, 0, 0, started, loaded.skipped + set_aside)
        vectors = _moved_vectors(collection, fresh, previous)
        computed = [s for s in fresh if s.key not in vectors]
        vectors |= _embed(_resolved(embedder, computed), computed, progress)
        store.upsert_vectors(collection, fresh, [vectors[s.key] for s in fresh])
        vectors |= store.fetch_embeddings(
            collection, [s.key for s in state.chunks if s.key not in vectors]
        )
        state = _with_duplicate_groups(state, vectors, settings.dup_similarity)
        store.commit_state(client, settings, state)
        stale = store.all_keys(collection) - state.keys()
        store.delete_vectors(collection, stale)
    return _summary(state, len(computed), len(stale), started, loaded.skipped + set_aside)


def _load_corpus(settings: IndexSettings) -> LoadResult:
    loaded = load_articles(
        corpus_files(settings.articles_dir),
        read_manifest(settings.manifest_path),
        int(settings.max_file_mb * 1e6),
    )
    if not loaded.articles:
        raise BuildRefused(
            f"no readable articles in {settings.articles_dir}; nothing indexed, "
            "the existing index is unchanged"
        )
    return loaded


def _previous_state(
    client: ClientAPI,
    collection: Collection,
    stored_keys: set[str],
    settings: IndexSettings,
    rebuild: bool,
) -> tuple[Collection, IndexState | None]:
    """The collection and the committed state to build on (none when rebuilding). A model change
    is refused unless rebuilding, and then the old collection, useless to the new model, goes."""
    previous = _readable_state(client, settings, stored_keys)
    if previous is None or previous.embed_model == settings.embed_model:
        return collection, None if rebuild else previous
    if not rebuild:
        raise BuildRefused(
            f"the index was built with {previous.embed_model}, "
            f"not {settings.embed_model}; use --rebuild"
        )
    store.drop_collection(client, settings)
    return store.open_collection(client, settings), None


def _unchanged(state: IndexState, previous: IndexState, stored_keys: set[str]) -> bool:
    """Same chunks, same article metadata, no leftover vectors: there is nothing to write."""
    return state.keys() == previous.keys() == stored_keys and [
        (a.article_id, a.meta, a.content_sha) for a in state.articles
    ] == [(a.article_id, a.meta, a.content_sha) for a in previous.articles]


def _summary(
    state: IndexState, embedded: int, deleted: int, started: float, skipped: tuple[str, ...]
) -> BuildSummary:
    return BuildSummary(
        articles=len(state.articles),
        chunks=len(state.chunks),
        embedded=embedded,
        deleted=deleted,
        duplicate_groups=len({s.chunk.dup_group for s in state.chunks if s.chunk.dup_group}),
        seconds=time.perf_counter() - started,
        skipped=skipped,
    )


def _resolved(embedder: EmbedderSource, needed: list[StoredChunk]) -> TextEmbedder | None:
    if not needed:
        return None
    return embedder if isinstance(embedder, TextEmbedder) else embedder()


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Held for the whole build; a second build fails at once instead of waiting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BuildRefused(
            f"another build is running (lock {path}); wait for it to finish and try again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _open_for_build(settings: IndexSettings) -> tuple[ClientAPI, Collection, tuple[str, ...]]:
    """The index to build into. A local Chroma directory that cannot be opened holds nothing the
    corpus cannot rebuild: it is moved aside and the build starts afresh, so the hint every index
    error gives (`python -m index build --rebuild`) always works."""
    try:
        client = store.open_client(settings)
        return client, store.open_collection(client, settings), ()
    except store.IndexUnavailable:
        if settings.chroma_host or not settings.chroma_dir.exists():
            raise
        aside = store.set_aside(settings)
    client = store.open_client(settings)
    note = (
        f"the index at {settings.chroma_dir} could not be opened; moved it to {aside.name}, rebuilt"
    )
    return client, store.open_collection(client, settings), (note,)


def _readable_state(
    client: ClientAPI, settings: IndexSettings, stored_keys: set[str]
) -> IndexState | None:
    """The last committed state; an unreadable one, or one whose vectors went missing from
    Chroma, is rebuilt over (nothing of it is trusted as already embedded), not fatal to a build."""
    try:
        state = store.read_state(client, settings)
    except store.IndexUnavailable:
        return None
    return state if state and state.keys() <= stored_keys else None


def _plan(
    settings: IndexSettings, articles: tuple[Article, ...], previous: IndexState | None
) -> tuple[IndexState, list[StoredChunk]]:
    """The new state, and the chunks in it that have no vector yet."""
    kept = previous.keys() if previous else set()
    stored = [
        StoredChunk(_vector_key(chunk, settings.embed_model), chunk)
        for article in articles
        for chunk in chunk_article(article, settings.chunk_sentences)
    ]
    state = IndexState(
        settings.embed_model,
        datetime.now(UTC).isoformat(timespec="seconds"),
        articles,
        tuple(stored),
    )
    return state, [s for s in stored if s.key not in kept]


def _moved_vectors(
    collection, fresh: list[StoredChunk], previous: IndexState | None
) -> dict[str, Vector]:
    """Vectors for new keys whose text is already embedded: a chunk moved by an edit above it
    (new offset or ordinal) is copied under its new key, not embedded again."""
    old_key = {s.chunk.text: s.key for s in previous.chunks} if previous else {}
    wanted = {s.key: old_key[s.chunk.text] for s in fresh if s.chunk.text in old_key}
    old_vectors = store.fetch_embeddings(collection, sorted(set(wanted.values())))
    return {new: old_vectors[old] for new, old in wanted.items() if old in old_vectors}


def _vector_key(chunk: Chunk, embed_model: str) -> str:
    """Same id, text and model -> same key, so an unchanged chunk keeps its vector."""
    recipe = f"{embed_model}|{chunk.start}|{chunk.text}"
    return f"{chunk.chunk_id}@{hashlib.sha256(recipe.encode()).hexdigest()[:12]}"


def _embed(
    embedder: TextEmbedder | None, fresh: list[StoredChunk], progress: Progress
) -> dict[str, Vector]:
    """Vectors by key; batches hold texts of similar length, so little of each is padding."""
    vectors: dict[str, Vector] = {}
    if embedder is None:
        return vectors
    by_length = sorted(fresh, key=lambda s: len(s.chunk.text))
    batches = [by_length[i : i + EMBED_BATCH] for i in range(0, len(by_length), EMBED_BATCH)]
    for batch in progress(batches):
        embeddings = embedder.get_text_embedding_batch([s.chunk.text for s in batch])
        rows = np.asarray(embeddings, dtype=np.float32)
        vectors.update({s.key: row for s, row in zip(batch, rows, strict=True)})
    return vectors


def _with_duplicate_groups(
    state: IndexState, vectors: dict[str, Vector], min_cosine: float
) -> IndexState:
    chunks = [s.chunk for s in state.chunks]
    matrix = np.array([vectors[s.key] for s in state.chunks], dtype=np.float32).reshape(
        len(chunks), -1
    )
    rank = {a.article_id: (a.meta.published is None, a.article_id) for a in state.articles}
    groups = group_duplicates(
        chunks, matrix, min_cosine, preference=lambda article_id: rank[article_id]
    )
    grouped = tuple(
        replace(s, chunk=replace(s.chunk, dup_group=groups.get(s.chunk.chunk_id)))
        for s in state.chunks
    )
    return replace(state, chunks=grouped)
