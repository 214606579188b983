"""How big should a chunk be? Retrieval hit@k/MRR on the committed cases for several chunk sizes,
each in its own temporary index (the repo's index is not touched)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from evals import metrics
from evals.types import Case, RetrievalScore
from index.build import build_index
from index.embed import load_embedder
from rag.engine import build_engine
from rag.settings import Settings


def measure_chunk_sizes(
    cases: Sequence[Case], sizes: Sequence[int]
) -> list[tuple[int, int, RetrievalScore]]:
    """(sentences per chunk, chunks in the index, retrieval score) for each size."""
    scorable = [case for case in cases if case.expected_sources]
    embedder = load_embedder(Settings().embed_model, Settings().model_cache_dir)
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                chroma_dir=Path(tmp) / "chroma", chunk_sentences=size, answer_mode="extractive"
            )
            summary = build_index(settings, embedder)
            engine = build_engine(settings, embedder=embedder)
            pairs = [
                (c, metrics.retrieval_of(engine.answer(c.question, c.history))) for c in scorable
            ]
            rows.append((size, summary.chunks, metrics.retrieval_score(pairs)))
    return rows


def format_rows(rows: list[tuple[int, int, RetrievalScore]]) -> str:
    lines = ["| sentences per chunk | chunks | hit@1 | hit@3 | MRR |", "|---|---|---|---|---|"]
    for size, chunks, score in rows:
        fields = dict(metrics.retrieval_fields(score))
        lines.append(
            f"| {size} | {chunks} | {fields['hit@1']:.2f} | {fields['hit@3']:.2f} | {fields['mrr']:.3f} |"
        )
    return "\n".join(lines)
