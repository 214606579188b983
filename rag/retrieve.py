"""Hybrid retrieval: a query -> RetrievedChunks, dense (Chroma + MiniLM) and BM25 fused by RRF.

The only module that sees llama-index retriever types. Only chunks in the committed IndexState
are ever returned, so vectors of an interrupted build are invisible.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Literal

import numpy as np
from chromadb.api.models.Collection import Collection
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import BaseNode, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from index.store import IndexState, StoredChunk, fetch_embeddings, search_failed
from rag.corpus import source_info
from rag.types import RetrievedChunk

RetrievalMode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60  # the usual reciprocal-rank-fusion constant
CANDIDATES = 20  # each retriever's depth before fusion
BM25_WEIGHT = 1.5  # measured on evals/cases.yaml (README): best hit@1/MRR with no answer lost
EACH_TOP = 3  # each retriever's best this many always survive fusion


class HybridRetriever:
    def __init__(
        self,
        state: IndexState,
        collection: Collection,
        embedder: BaseEmbedding,
        mode: RetrievalMode = "hybrid",
    ):
        self.mode = mode
        self._cached_embedding = functools.lru_cache(maxsize=2048)(self._embedding)
        self._embedder = embedder
        self._by_key: dict[str, StoredChunk] = {s.key: s for s in state.chunks}
        self._sources = {a.article_id: source_info(a) for a in state.articles}
        vectors = fetch_embeddings(collection, list(self._by_key))
        self._row = {s.chunk.chunk_id: i for i, s in enumerate(self._by_key.values())}
        self._matrix = np.array([vectors[key] for key in self._by_key], dtype=np.float32)
        depth = min(CANDIDATES, len(self._by_key))
        nodes: list[BaseNode] = [TextNode(id_=s.key, text=s.chunk.text) for s in state.chunks]
        self._bm25 = BM25Retriever(nodes=nodes, similarity_top_k=depth)
        self._collection = collection
        self._dense_depth = depth + 10  # room for vectors of an uncommitted build

    def retrieve(self, natural_query: str, term_query: str, k: int) -> tuple[RetrievedChunk, ...]:
        """Dense search on the natural wording, BM25 on the expanded terms, fused by rank."""
        embedding = self.embed(natural_query)
        rankings: list[tuple[list[str], float]] = []
        if self.mode in ("hybrid", "dense"):
            rankings.append((self._committed(self._dense_search(embedding)), 1.0))
        if self.mode in ("hybrid", "bm25"):
            bm25 = [r.node.node_id for r in self._bm25.retrieve(term_query) if (r.score or 0) > 0]
            rankings.append((self._committed(bm25), BM25_WEIGHT))
        fused = _with_each_top(_reciprocal_rank_fusion(rankings), [r for r, _ in rankings], k)
        cosines = self.cosines(embedding, [self._by_key[key].chunk.chunk_id for key, _ in fused])
        return tuple(
            RetrievedChunk(
                self._by_key[key].chunk,
                self._sources[self._by_key[key].chunk.article_id],
                score,
                cos,
                rank,
            )
            for rank, ((key, score), cos) in enumerate(zip(fused, cosines, strict=True), start=1)
        )

    def _dense_search(self, embedding: np.ndarray) -> list[str]:
        """Chroma's nearest keys (ids only: the texts are already in memory, so none are fetched)."""
        try:
            found = self._collection.query(
                query_embeddings=[embedding.tolist()], n_results=self._dense_depth, include=[]
            )
            return list(found["ids"][0])
        except Exception as error:  # chromadb and httpx raise many types; all mean "no answer"
            raise search_failed(error) from error

    def embed(self, text: str) -> np.ndarray:
        return self._cached_embedding(text)

    def forget_cached_embeddings(self) -> None:
        """Repeated questions skip the model; a benchmark of new questions must not."""
        self._cached_embedding.cache_clear()

    def _embedding(self, text: str) -> np.ndarray:
        return np.asarray(self._embedder.get_query_embedding(text), dtype=np.float32)

    def cosines(self, embedding: np.ndarray, chunk_ids: Sequence[str]) -> list[float]:
        if not chunk_ids:
            return []
        return [float(x) for x in self._matrix[[self._row[c] for c in chunk_ids]] @ embedding]

    def chunk_cosines(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """Pairwise cosine of the given chunks (for spotting redundant sentences)."""
        rows = self._matrix[[self._row[c] for c in chunk_ids]]
        return rows @ rows.T

    def _committed(self, keys: list[str]) -> list[str]:
        return [key for key in keys if key in self._by_key]


def _with_each_top(
    fused: list[tuple[str, float]], rankings: list[list[str]], k: int
) -> list[tuple[str, float]]:
    """The fused top k, but always holding each retriever's top EACH_TOP: a strong exact-word match
    that the other retriever missed entirely must not be fused away."""
    must = {key for ranking in rankings for key in ranking[:EACH_TOP]}
    top = fused[:k]
    missing = [item for item in fused[k:] if item[0] in must]
    keep = [item for item in top if item[0] in must]
    rest = [item for item in top if item[0] not in must][: max(0, k - len(keep) - len(missing))]
    return sorted(keep + rest + missing, key=lambda item: item[1], reverse=True)


def _reciprocal_rank_fusion(rankings: list[tuple[list[str], float]]) -> list[tuple[str, float]]:
    """Weighted RRF: each ranking adds weight / (RRF_K + rank) to every key it holds."""
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
