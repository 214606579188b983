"""The eval runner: Cases -> Answers (one engine, reused) -> CaseRuns -> EvalReport.

`run_suite` is the evals composition root: it loads the embedding model once (or takes one) and
shares it with the main engine, the dense-only and bm25-only engines and the naive baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from evals import metrics
from evals.baseline import NaiveBaseline
from evals.cases import Case, Fact
from evals.thresholds import check_thresholds
from evals.types import CaseRun, EvalReport, JudgeVerdict, RetrievalScore
from index.embed import load_embedder
from rag.cite import verify_citations
from rag.engine import Engine, build_engine
from rag.retrieve import RetrievalMode
from rag.settings import Settings

SINGLE_MODES: tuple[RetrievalMode, ...] = ("dense", "bm25")  # vs the main engine's hybrid
WARM_UP_QUESTION = "Why are Kaiser mental health workers on strike?"
T = TypeVar("T")


def run_suite(
    cases: Sequence[Case],
    facts: Mapping[str, Fact],
    settings: Settings,
    cases_file: str,
    progress: bool = True,
    judge: bool = False,
    embedder: BaseEmbedding | None = None,
) -> EvalReport:
    embedder = embedder or load_embedder(settings.embed_model, settings.model_cache_dir)
    engine = build_engine(settings, embedder=embedder)
    baseline = NaiveBaseline(settings.articles_dir, embedder)
    engine.answer(WARM_UP_QUESTION)  # first-call costs (torch, caches) are not a case's latency
    runs = tuple(
        run_case(case, engine, baseline, facts)
        for case in _bar(cases, progress, f"answering ({settings.answer_mode})")
    )
    by_mode = _hybrid_score(runs) + retrieval_by_mode(cases, settings, embedder, progress)
    verdicts = _judged(runs, settings, progress) if judge and settings.llm_base_url else None
    return summarize(cases_file, settings.answer_mode, runs, by_mode, verdicts)


def run_case(
    case: Case,
    engine: Engine,
    baseline: NaiveBaseline,
    facts: Mapping[str, Fact],
) -> CaseRun:
    answer = engine.answer(case.question, case.history)
    return CaseRun(
        case=case,
        answer=answer,
        result=metrics.score_case(case, answer, engine.articles),
        citation_problems=tuple(verify_citations(answer, engine.articles)),
        supported=metrics.fact_supported(case, answer, facts),
        baseline=baseline.retrieve(case.question),
    )


def retrieval_by_mode(
    cases: Sequence[Case],
    settings: Settings,
    embedder: BaseEmbedding,
    progress: bool,
) -> tuple[tuple[str, RetrievalScore], ...]:
    """Dense-only and bm25-only engines on the cases that name sources (retrieval only matters)."""
    scorable = [case for case in cases if case.expected_sources]
    extractive = settings.model_copy(update={"answer_mode": "extractive"})
    scores = []
    for mode in SINGLE_MODES:
        engine = build_engine(extractive, embedder=embedder, mode=mode)
        answers = [engine.answer(c.question, c.history) for c in _bar(scorable, progress, mode)]
        pairs = [(c, metrics.retrieval_of(a)) for c, a in zip(scorable, answers, strict=True)]
        scores.append((mode, metrics.retrieval_score(pairs)))
    return tuple(scores)


def summarize(
    cases_file: str,
    answer_mode: str,
    runs: tuple[CaseRun, ...],
    by_mode: tuple[tuple[str, RetrievalScore], ...],
    judge: tuple[JudgeVerdict, ...] | None,
) -> EvalReport:
    """The run-level numbers, with each threshold checked against them."""
    report = EvalReport(
        cases_file=cases_file,
        answer_mode=answer_mode,
        runs=runs,
        pass_rates=metrics.pass_rates_by_kind(runs),
        overall=metrics.Rate(sum(r.result.passed for r in runs), len(runs)),
        citation_validity=metrics.citation_validity(runs),
        citation_support=metrics.citation_support(runs),
        retrieval=(
            ("ours", dict(by_mode)["hybrid"]),
            ("naive baseline", metrics.retrieval_score([(r.case, r.baseline) for r in runs])),
        ),
        retrieval_by_mode=by_mode,
        latency=metrics.latency_stats([r.answer.latency_ms for r in runs]),
        judge=judge,
    )
    return replace(report, thresholds=check_thresholds(metrics.key_metrics(report)))


def _hybrid_score(runs: Sequence[CaseRun]) -> tuple[tuple[str, RetrievalScore], ...]:
    pairs = [(run.case, metrics.retrieval_of(run.answer)) for run in runs]
    return (("hybrid", metrics.retrieval_score(pairs)),)


def _judged(
    runs: Sequence[CaseRun],
    settings: Settings,
    progress: bool,
) -> tuple[JudgeVerdict, ...]:
    from evals.judge import build_judge  # only --judge with an LLM configured needs the client

    judge = build_judge(settings)
    answered = [run for run in runs if not run.answer.refused and run.answer.citations]
    return tuple(judge(run) for run in _bar(answered, progress, "judging"))


def _bar(items: Sequence[T], enabled: bool, label: str) -> Iterable[T]:
    return tqdm(items, desc=label, unit="case", disable=not enabled, leave=False)
