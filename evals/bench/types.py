"""The records a benchmark run produces: ProbeResult / BuildRun -> ScaleRow -> BenchReport."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds over `count` calls."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float


@dataclass(frozen=True, slots=True)
class Quality:
    """How one pipeline did on the eval cases (retrieval by source file, answers by the eval rules)."""

    hit_at_1: float
    hit_at_3: float
    hit_at_5: float
    mrr: float
    boilerplate_hit_rate: float  # share of retrieved passages carrying page boilerplate
    answerable_pass_rate: float
    all_pass_rate: float  # every kind: answerable, unanswerable, conflicting, safety, adversarial


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One pipeline measured in a fresh process of its own."""

    pipeline: str  # "strikeqa", "bm25-only", "dense-only", "naive-llamaindex", "query-embedding"
    cold_start_s: float  # process start to the first answer
    startup_s: float  # process start to ready (the naive pipeline indexes the corpus in this time)
    ingest_s: float | None  # pipelines that index at start-up (the naive one): time spent on it
    ingest_chunks: int | None
    answer: Latency
    retrieval: Latency
    peak_rss_mb: float
    quality: Quality | None


@dataclass(frozen=True, slots=True)
class BuildRun:
    """One `python -m index build` process."""

    seconds: float  # process start to exit
    chunks: int
    embedded: int
    peak_rss_mb: float

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class ScaleRow:
    """The same measurements at one corpus size, on one Chroma configuration."""

    factor: int  # corpus size as a multiple of the bundled one
    chroma: str  # "local" (persistent directory) or "server" (`chroma run` on loopback)
    articles: int
    first_build: BuildRun
    noop_build: BuildRun
    index_mb: float  # the Chroma directory on disk
    probe: ProbeResult


@dataclass(frozen=True, slots=True)
class BenchReport:
    started_at: str  # ISO time
    machine: str  # CPU model and cores
    memory_mb: float
    load_at_start: str  # 1/5/15-minute load averages: how shared the machine was
    load_at_end: str
    questions: int  # warm questions per pipeline
    pipelines: tuple[ProbeResult, ...]  # on the bundled corpus, same machine, same run
    bundled_build: ScaleRow
    scaling: tuple[ScaleRow, ...]
    # strikeqa and its single-retriever variants again on one larger corpus, where words alone
    # tell real sentences from look-alikes less well (factor None: not measured)
    retrievers_factor: int | None = None
    retrievers_at_scale: tuple[ProbeResult, ...] = ()
