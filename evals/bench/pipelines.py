"""The pipelines a benchmark compares, behind one small interface: answer, retrieve, score.

strikeqa and its single-retriever variants are the real Engine; the naive one is the LlamaIndex
starter pipeline (evals/baseline.py) on torch, as its tutorial writes it; "query-embedding" is
the floor every strikeqa answer pays (one query through the embedding model) and scores nothing.
Imports are deferred so a probe's cold start pays only for the pipeline it measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from evals.cases import Case
from evals.types import CaseResult, Retrieval

ENGINE_MODES = {"strikeqa": "hybrid", "bm25-only": "bm25", "dense-only": "dense"}
NAIVE = "naive-llamaindex"
EMBEDDING_FLOOR = "query-embedding"
PIPELINES = (*ENGINE_MODES, NAIVE, EMBEDDING_FLOOR)


class Pipeline(Protocol):
    ingest_s: float | None  # time spent indexing at start-up (the naive pipeline only)
    ingest_chunks: int | None

    def answer(self, question: str, history: Sequence[str]) -> Any: ...

    def retrieve(self, question: str, history: Sequence[str]) -> Any: ...

    def forget_cache(self) -> None: ...

    def score(self, case: Case, answer: Any) -> tuple[CaseResult, Retrieval] | None: ...


def open_pipeline(name: str) -> Pipeline:
    """The named pipeline over the index and corpus the STRIKEQA_ settings point at."""
    if name in ENGINE_MODES:
        return EnginePipeline(ENGINE_MODES[name])
    if name == NAIVE:
        return NaivePipeline()
    if name == EMBEDDING_FLOOR:
        return EmbeddingFloor()
    raise ValueError(f"unknown pipeline {name!r}; one of {', '.join(PIPELINES)}")


class EnginePipeline:
    ingest_s: float | None = None
    ingest_chunks: int | None = None

    def __init__(self, mode: str):
        from rag.engine import build_engine
        from rag.settings import Settings

        self.engine = build_engine(Settings(answer_mode="extractive"), mode=mode)  # type: ignore[arg-type]

    def answer(self, question: str, history: Sequence[str]) -> Any:
        return self.engine.answer(question, history)

    def retrieve(self, question: str, history: Sequence[str]) -> Any:
        return self.engine.retrieve(question, history)

    def forget_cache(self) -> None:
        self.engine.retriever.forget_cached_embeddings()

    def score(self, case: Case, answer: Any) -> tuple[CaseResult, Retrieval]:
        from evals import metrics

        return metrics.score_case(case, answer, self.engine.articles), metrics.retrieval_of(answer)


class NaivePipeline:
    def __init__(self):
        import time

        from evals.baseline import NaiveBaseline
        from index.embed import load_torch_embedder
        from rag.settings import Settings

        started = time.perf_counter()
        self.baseline = NaiveBaseline(Settings().articles_dir, load_torch_embedder())
        self.ingest_s = time.perf_counter() - started  # model load + read + split + embed
        self.ingest_chunks = self.baseline.chunks

    def answer(self, question: str, history: Sequence[str]) -> Any:
        return self.baseline.answer(question)  # the tutorial pipeline keeps no conversation

    def retrieve(self, question: str, history: Sequence[str]) -> Any:
        return self.baseline.retrieve(question)

    def forget_cache(self) -> None:
        return None  # its sentence vectors are per passage, not per question: they may stay

    def score(self, case: Case, answer: Any) -> tuple[CaseResult, Retrieval]:
        from evals import metrics

        return metrics.score_baseline(case, answer), answer.retrieval


class EmbeddingFloor:
    ingest_s: float | None = None
    ingest_chunks: int | None = None

    def __init__(self):
        from index.embed import load_embedder
        from rag.settings import Settings

        settings = Settings()
        self.embedder = load_embedder(settings.embed_model, settings.model_cache_dir)

    def answer(self, question: str, history: Sequence[str]) -> Any:
        return self.embedder.get_query_embedding(question)

    def retrieve(self, question: str, history: Sequence[str]) -> Any:
        return self.answer(question, history)

    def forget_cache(self) -> None:
        return None

    def score(self, case: Case, answer: Any) -> None:
        return None
