"""The latency benchmark: warm extractive answers over the eval questions, p50/p95, against a
baseline measured in the same run (the bare query embedding, which every answer must pay)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import yaml

from rag.engine import Engine

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases.yaml"


def run_benchmark(engine: Engine, rounds: int) -> dict:
    cases = [c for c in yaml.safe_load(CASES.read_text(encoding="utf-8")) if c.get("question")]
    engine.answer("warm up: will my appointment be affected?")
    answer_ms, embed_ms = [], []
    for round_number in range(rounds):
        for case in cases:
            question = (
                f"{case['question']} ({round_number})"  # distinct text: no embedding cache hits
            )
            history = tuple(case.get("history") or ())
            answer_ms.append(_timed(lambda q=question, h=history: engine.answer(q, h)))
            embed_ms.append(_timed(lambda q=question: engine.retriever._embedding(q)))
    return {
        "questions": len(answer_ms),
        "answer_p50_ms": round(_percentile(answer_ms, 50), 1),
        "answer_p95_ms": round(_percentile(answer_ms, 95), 1),
        "embedding_p50_ms": round(_percentile(embed_ms, 50), 1),
        "answer_over_embedding_p50": round(
            _percentile(answer_ms, 50) / _percentile(embed_ms, 50), 2
        ),
        "target": "p50 <= 30 ms, p95 <= 100 ms",
    }


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )
