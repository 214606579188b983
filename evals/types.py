"""The records an eval run produces: (Case, Answer) -> CaseResult -> CaseRun -> EvalReport."""

from __future__ import annotations

from dataclasses import dataclass

from evals.cases import Case
from rag.types import Answer


@dataclass(frozen=True, slots=True)
class CaseResult:
    passed: bool
    failures: tuple[str, ...]  # one line each, for a maintainer: what the answer got wrong


@dataclass(frozen=True, slots=True)
class Rate:
    hits: int
    total: int

    @property
    def value(self) -> float | None:
        """The share, or None when nothing was measured (never a made-up 0 or 1)."""
        return self.hits / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What one retriever returned for one question, best first."""

    sources: tuple[str, ...]  # the corpus file of each retrieved passage
    texts: tuple[str, ...]  # the passage texts, for spotting boilerplate


@dataclass(frozen=True, slots=True)
class BaselineAnswer:
    """The naive pipeline's reply: raw page sentences, so no citation can be checked."""

    text: str  # the chosen sentences, best first
    sources: tuple[str, ...]  # the file each chosen sentence came from
    retrieval: Retrieval


@dataclass(frozen=True, slots=True)
class RetrievalScore:
    cases: int  # cases with expected_sources that were scored
    hit_at_1: float | None
    hit_at_3: float | None
    hit_at_5: float | None
    mrr: float | None
    boilerplate_hit_rate: float | None  # share of retrieved passages carrying page boilerplate


@dataclass(frozen=True, slots=True)
class LatencyStats:
    count: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


@dataclass(frozen=True, slots=True)
class ThresholdCheck:
    metric: str
    minimum: float
    actual: float | None  # None: the run had no case this metric measures

    @property
    def met(self) -> bool:
        return self.actual is None or self.actual >= self.minimum


@dataclass(frozen=True, slots=True)
class CaseRun:
    case: Case
    answer: Answer
    result: CaseResult
    citation_problems: tuple[str, ...]  # from rag.cite.verify_citations; empty = valid
    supported: bool | None  # a cited quote holds a value of one of the case's facts; None = n/a
    baseline: Retrieval  # what the naive LlamaIndex pipeline retrieved for the same question


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    case_id: str
    faithful: bool
    reply: str  # the judge's own words, first line


@dataclass(frozen=True, slots=True)
class EvalReport:
    cases_file: str
    answer_mode: str  # what was asked for; each Answer.mode says what actually answered
    runs: tuple[CaseRun, ...]
    pass_rates: tuple[tuple[str, Rate], ...]  # by kind, in cases.KINDS order, kinds present only
    overall: Rate
    citation_validity: Rate  # answers that cite anything, whose citations all verify
    citation_support: Rate  # answers to cases with facts, whose quotes hold a fact value
    retrieval: tuple[tuple[str, RetrievalScore], ...]  # ("ours", ...), ("naive baseline", ...)
    retrieval_by_mode: tuple[tuple[str, RetrievalScore], ...]  # hybrid, dense, bm25
    latency: LatencyStats
    thresholds: tuple[ThresholdCheck, ...] = ()
    judge: tuple[JudgeVerdict, ...] | None = None  # None: --judge not asked or no LLM configured

    @property
    def failed_runs(self) -> tuple[CaseRun, ...]:
        return tuple(run for run in self.runs if not run.result.passed)
