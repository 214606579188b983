"""Chroma access: the chunk vectors, and the committed IndexState that says which of them count.

A build writes new vectors under version-suffixed keys, then commits the new IndexState in one
write (one record of a small companion collection, "<collection>-state"), then deletes stale
vectors. Readers trust only keys in the committed state, so a build killed at any point leaves
the previous complete index in force. The state is kept out of the chunk collection's metadata
because Chroma reads that metadata on every query: at 1000x the corpus (20 MB of state) that
cost 55 ms a search; in its own record it is read once, when an engine starts.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient

from index.settings import IndexSettings
from index.types import Article, ArticleMeta, Chunk

STATE_KEY = "strikeqa_state"  # where versions up to 2 kept the state (collection metadata)
MODEL_KEY = "strikeqa_embed_model"
STATE_VERSION = 3
STATE_RECORD = "committed"
BATCH = 4096  # records per Chroma call: under its max batch size (5,461 for a local client)
Vector = np.ndarray  # one float32 embedding
REBUILD_HINT = "run `python -m index build --rebuild` (or `make run`, which builds it)"
SEARCH_HINT = (
    "if STRIKEQA_CHROMA_HOST names a Chroma server, check that it is running and ask again; "
    f"otherwise {REBUILD_HINT}"
)


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message says what is wrong and how to fix it."""


@dataclass(frozen=True, slots=True)
class StoredChunk:
    key: str  # the Chroma id: f"{chunk_id}@{hash of model, offset and text}"
    chunk: Chunk


@dataclass(frozen=True, slots=True)
class IndexState:
    embed_model: str
    built_at: str
    articles: tuple[Article, ...]
    chunks: tuple[StoredChunk, ...]

    def keys(self) -> set[str]:
        return {stored.key for stored in self.chunks}


def open_client(settings: IndexSettings) -> ClientAPI:
    """A Chroma server client when STRIKEQA_CHROMA_HOST is set, else a local persistent one."""
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir))
    except Exception as error:  # chromadb raises many types; all mean the same to a user
        _forget_failed_client(settings)
        raise IndexUnavailable(
            f"cannot open Chroma at {_where(settings)}: {_one_line(error)}; {REBUILD_HINT}"
        ) from error


def _forget_failed_client(settings: IndexSettings) -> None:
    """chromadb caches a client per path even when opening it failed, and every later open of that
    path in the process then fails too ("no attribute 'bindings'"), even once the files are fixed.
    Only a cached client nobody holds is dropped: a live one failed for another reason."""
    systems = getattr(SharedSystemClient, "_identifier_to_system", {})  # chromadb internals:
    holders = getattr(SharedSystemClient, "_identifier_to_refcount", {})  # absent -> no-op
    path = str(settings.chroma_dir)
    if not settings.chroma_host and not holders.get(path):
        systems.pop(path, None)


def set_aside(settings: IndexSettings) -> Path:
    """Move an unreadable local Chroma directory out of the way (kept, for inspection)."""
    aside = settings.chroma_dir.with_name(f"{settings.chroma_dir.name}.unreadable-{time.time_ns()}")
    settings.chroma_dir.rename(aside)
    return aside


def search_failed(error: BaseException) -> IndexUnavailable:
    """What a failed query means to a user: the index did not answer, and what to check."""
    return IndexUnavailable(
        f"the index did not answer a search ({_one_line(error)}); {SEARCH_HINT}"
    )


def open_collection(client: ClientAPI, settings: IndexSettings) -> Collection:
    """The chunk collection, created if missing; never with a default embedding function."""
    return _opened(
        client,
        settings,
        settings.collection,
        metadata={MODEL_KEY: settings.embed_model},
        configuration={"hnsw": {"space": "cosine"}},
    )


def _opened(client: ClientAPI, settings: IndexSettings, name: str, **options) -> Collection:
    try:
        return client.get_or_create_collection(name, embedding_function=None, **options)
    except Exception as error:
        raise IndexUnavailable(
            f"cannot open the index at {_where(settings)}: {_one_line(error)}; {REBUILD_HINT}"
        ) from error


def drop_collection(client: ClientAPI, settings: IndexSettings) -> None:
    for name in (settings.collection, _state_name(settings)):
        try:
            client.delete_collection(name)
        except Exception:  # missing already: nothing to drop
            continue


def read_state(client: ClientAPI, settings: IndexSettings) -> IndexState | None:
    """The committed state, or None for an index no build has completed in."""
    raw = read_state_text(client, settings)
    if raw is None:
        return None
    try:
        return _state_from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError) as error:
        raise IndexUnavailable(
            f"the index state is unreadable ({_one_line(error)}); {REBUILD_HINT}"
        ) from error


def read_state_text(client: ClientAPI, settings: IndexSettings) -> str | None:
    states = _state_collection(client, settings)
    try:
        found = states.get(ids=[STATE_RECORD], include=["documents"])
    except Exception as error:
        raise search_failed(error) from error
    documents = found["documents"] or []
    return documents[0] if documents else None


def commit_state(client: ClientAPI, settings: IndexSettings, state: IndexState) -> None:
    """The one write that makes a build visible (then the chunk collection's metadata is reset to
    the model name alone, dropping a state an older version kept there)."""
    write_state_text(client, settings, json.dumps(_state_to_json(state)))
    open_collection(client, settings).modify(metadata={MODEL_KEY: state.embed_model})


def write_state_text(client: ClientAPI, settings: IndexSettings, text: str) -> None:
    _state_collection(client, settings).upsert(
        ids=[STATE_RECORD],
        documents=[text],
        embeddings=[[1.0]],  # type: ignore[arg-type]  # Chroma requires a vector
    )


def _state_collection(client: ClientAPI, settings: IndexSettings) -> Collection:
    return _opened(client, settings, _state_name(settings))


def _state_name(settings: IndexSettings) -> str:
    return f"{settings.collection}-state"


def upsert_vectors(
    collection: Collection, stored: list[StoredChunk], embeddings: list[Vector]
) -> None:
    for at in range(0, len(stored), BATCH):
        part = stored[at : at + BATCH]
        collection.upsert(
            ids=[s.key for s in part],
            embeddings=embeddings[at : at + BATCH],  # type: ignore[arg-type]
            documents=[s.chunk.text for s in part],
            metadatas=[_chunk_metadata(s.chunk) for s in part],
        )


def fetch_embeddings(collection: Collection, keys: list[str]) -> dict[str, Vector]:
    """Stored vectors by key, as float32 rows (never lists of Python floats: 28 million of those
    took 2.5 s to make at 1000x the corpus)."""
    vectors: dict[str, Vector] = {}
    for at in range(0, len(keys), BATCH):
        result = collection.get(ids=keys[at : at + BATCH], include=["embeddings"])
        found = result["embeddings"]
        if found is not None:
            rows = np.asarray(found, dtype=np.float32)
            vectors |= dict(zip(result["ids"], rows, strict=True))
    return vectors


def all_keys(collection: Collection) -> set[str]:
    return set(collection.get(include=[])["ids"])


def delete_vectors(collection: Collection, keys: set[str]) -> None:
    ordered = sorted(keys)
    for at in range(0, len(ordered), BATCH):
        collection.delete(ids=ordered[at : at + BATCH])


def _chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "chunk_id": chunk.chunk_id,
        "article_id": chunk.article_id,
        "start": chunk.start,
        "end": chunk.end,
    }


def _state_to_json(state: IndexState) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "embed_model": state.embed_model,
        "built_at": state.built_at,
        "articles": [
            {
                "article_id": a.article_id,
                "text": a.text,
                "sha": a.content_sha,
                "meta": _meta_json(a.meta),
            }
            for a in state.articles
        ],
        "chunks": [
            [s.key, s.chunk.chunk_id, s.chunk.start, s.chunk.end, s.chunk.dup_group]
            for s in state.chunks
        ],
    }


def _state_from_json(data: dict[str, Any]) -> IndexState:
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"state version {data.get('version')} is not {STATE_VERSION}")
    articles = tuple(
        Article(
            article_id=a["article_id"],
            meta=_meta_from_json(a["meta"]),
            text=a["text"],
            content_sha=a["sha"],
        )
        for a in data["articles"]
    )
    texts = {a.article_id: a.text for a in articles}
    chunks = tuple(
        StoredChunk(
            key,
            Chunk(
                chunk_id,
                chunk_id.rsplit("#", 1)[0],
                texts[chunk_id.rsplit("#", 1)[0]][start:end],
                start,
                end,
                group,
            ),
        )
        for key, chunk_id, start, end, group in data["chunks"]
    )
    return IndexState(data["embed_model"], data["built_at"], articles, chunks)


def _meta_json(meta: ArticleMeta) -> dict[str, Any]:
    data = asdict(meta)
    data["published"] = meta.published.isoformat() if meta.published else None
    return data


def _meta_from_json(data: dict[str, Any]) -> ArticleMeta:
    published = date.fromisoformat(data["published"]) if data.get("published") else None
    return ArticleMeta(**{**data, "published": published})


def _where(settings: IndexSettings) -> str:
    return (
        f"{settings.chroma_host}:{settings.chroma_port}"
        if settings.chroma_host
        else str(settings.chroma_dir)
    )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__
