"""BenchReport -> the markdown tables `make bench` prints (and the README carries) and bench.json.

Every speed figure stands beside a baseline measured in the same run (the naive pipeline, the bare
query embedding, or the bundled-corpus row), because these machines are shared and noisy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evals.bench.pipelines import EMBEDDING_FLOOR, NAIVE
from evals.bench.types import BenchReport, ProbeResult, Quality, ScaleRow

MACHINE_MEMORY_FRACTION = 0.8  # of RAM one serving process may take before the machine is "full"


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    limit: float
    unit: str
    actual: float

    @property
    def met(self) -> bool:
        return self.actual <= self.limit


QUALITY_ROWS: tuple[tuple[str, Callable[[Quality], float], bool], ...] = (
    # (row, value, higher is better)
    ("hit@1 (source file)", lambda q: q.hit_at_1, True),
    ("hit@3", lambda q: q.hit_at_3, True),
    ("hit@5", lambda q: q.hit_at_5, True),
    ("MRR", lambda q: q.mrr, True),
    ("answerable cases passed", lambda q: q.answerable_pass_rate, True),
    ("all cases passed (every kind)", lambda q: q.all_pass_rate, True),
    ("boilerplate in retrieved passages", lambda q: q.boilerplate_hit_rate, False),
)


def targets(report: BenchReport) -> tuple[Target, ...]:
    ours, build = _pipeline(report, "strikeqa"), report.bundled_build
    return (
        Target("warm answer p50", 30, "ms", ours.answer.p50_ms),
        Target("warm answer p95", 100, "ms", ours.answer.p95_ms),
        Target("cold start (process start to first answer)", 10, "s", ours.cold_start_s),
        Target("bundled-corpus build incl. model load", 15, "s", build.first_build.seconds),
        Target("no-op rebuild", 3, "s", build.noop_build.seconds),
        Target(
            "peak RSS (serving or building)",
            1200,
            "MB",
            max(ours.peak_rss_mb, build.first_build.peak_rss_mb),
        ),
    )


def render_markdown(report: BenchReport) -> str:
    sections = (
        _heading(report),
        quality_table(report.pipelines, "bundled corpus"),
        quality_table(report.retrievers_at_scale, f"{report.retrievers_factor}× corpus"),
        speed_table(report),
        targets_table(targets(report)),
        scaling_table(report),
        server_table(report),
        "\n".join(f"- {line}" for line in machine_limits(report)),
    )
    return "\n\n".join(section for section in sections if section) + "\n"


def bench_json(report: BenchReport) -> dict[str, Any]:
    return {
        **asdict(report),
        "targets": [{**asdict(t), "met": t.met} for t in targets(report)],
        "machine_limits": machine_limits(report),
    }


def quality_table(pipelines: Sequence[ProbeResult], corpus: str) -> str:
    scored = [p for p in pipelines if p.quality is not None]
    if len(scored) < 2:
        return ""
    lines = [
        f"| quality ({corpus}, eval cases) | "
        + " | ".join(p.pipeline for p in scored)
        + " | strikeqa vs the best baseline |",
        "|---|" + "---|" * len(scored) + "---|",
    ]
    for label, value, higher_is_better in QUALITY_ROWS:
        values = [value(p.quality) for p in scored if p.quality]
        cells = " | ".join(f"{v:.3f}" for v in values)
        lines.append(f"| {label} | {cells} | {_standing(values, higher_is_better)} |")
    return "\n".join(lines)


def speed_table(report: BenchReport) -> str:
    ours, naive = _pipeline(report, "strikeqa"), _pipeline(report, NAIVE)
    floor, build = _pipeline(report, EMBEDDING_FLOOR), report.bundled_build
    rows = [
        (
            "cold start, process start to first answer (s)",
            ours.cold_start_s,
            naive.cold_start_s,
            floor.cold_start_s,
        ),
        ("warm answer p50 (ms)", ours.answer.p50_ms, naive.answer.p50_ms, floor.answer.p50_ms),
        ("warm answer p95 (ms)", ours.answer.p95_ms, naive.answer.p95_ms, floor.answer.p95_ms),
        ("warm answer p99 (ms)", ours.answer.p99_ms, naive.answer.p99_ms, floor.answer.p99_ms),
        (
            "retrieval only p50 (ms)",
            ours.retrieval.p50_ms,
            naive.retrieval.p50_ms,
            floor.retrieval.p50_ms,
        ),
        (
            "retrieval only p95 (ms)",
            ours.retrieval.p95_ms,
            naive.retrieval.p95_ms,
            floor.retrieval.p95_ms,
        ),
        (
            "retrieval only p99 (ms)",
            ours.retrieval.p99_ms,
            naive.retrieval.p99_ms,
            floor.retrieval.p99_ms,
        ),
        (
            "build, process start to index ready (s)",
            build.first_build.seconds,
            naive.startup_s,
            None,
        ),
        (
            f"build throughput (chunks/s, whole process; {build.first_build.chunks} vs "
            f"{naive.ingest_chunks} chunks)",
            build.first_build.chunks_per_s,
            _per_s(naive),
            None,
        ),
        (
            "no-op rebuild (s; naive re-indexes at every start)",
            build.noop_build.seconds,
            naive.startup_s,
            None,
        ),
        ("peak RSS serving (MB)", ours.peak_rss_mb, naive.peak_rss_mb, floor.peak_rss_mb),
        ("peak RSS building (MB)", build.first_build.peak_rss_mb, naive.peak_rss_mb, None),
    ]
    lines = [
        f"| speed (bundled corpus, {report.questions} warm questions) | strikeqa | naive LlamaIndex | strikeqa ÷ naive | query embedding alone | strikeqa ÷ embedding |",
        "|---|---|---|---|---|---|",
    ]
    for label, mine, theirs, bare in rows:
        lines.append(
            f"| {label} | {_num(mine)} | {_num(theirs)} | {_ratio(mine, theirs)} | {_num(bare)} | {_ratio(mine, bare)} |"
        )
    return "\n".join(lines)


def targets_table(checks: Sequence[Target]) -> str:
    lines = ["| target (warm, 2 cores) | limit | measured | met |", "|---|---|---|---|"]
    for t in checks:
        lines.append(
            f"| {t.name} | ≤ {_num(t.limit)} {t.unit} | {_num(t.actual)} {t.unit} | {'yes' if t.met else '**no**'} |"
        )
    return "\n".join(lines)


def scaling_table(report: BenchReport) -> str:
    rows, base = _local_rows(report), report.bundled_build
    lines = [
        "| corpus (local Chroma) | articles | chunks | first build s | chunks/s | no-op rebuild s | index MB | cold start s | answer p50 / p95 / p99 ms | retrieval p50 ms | RSS serving / building MB | hit@1 | MRR | answerable passed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        q = r.probe.quality
        lines.append(
            f"| {r.factor}× | {r.articles} | {r.first_build.chunks} "
            f"| {_num(r.first_build.seconds)} ({_ratio(r.first_build.seconds, base.first_build.seconds)}) "
            f"| {_num(r.first_build.chunks_per_s)} | {_num(r.noop_build.seconds)} "
            f"| {_num(r.index_mb)} ({_ratio(r.index_mb, base.index_mb)}) | {_num(r.probe.cold_start_s)} "
            f"| {_num(r.probe.answer.p50_ms)} / {_num(r.probe.answer.p95_ms)} / {_num(r.probe.answer.p99_ms)} "
            f"({_ratio(r.probe.answer.p50_ms, base.probe.answer.p50_ms)}) | {_num(r.probe.retrieval.p50_ms)} "
            f"| {_num(r.probe.peak_rss_mb)} / {_num(r.first_build.peak_rss_mb)} "
            f"| {_num(q.hit_at_1 if q else None)} | {_num(q.mrr if q else None)} | {_num(q.answerable_pass_rate if q else None)} |"
        )
    return "\n".join(lines)


def server_table(report: BenchReport) -> str:
    served = [r for r in report.scaling if r.chroma == "server"]
    if not served:
        return ""
    local = {r.factor: r for r in [report.bundled_build, *report.scaling] if r.chroma == "local"}
    lines = [
        "| corpus on a `chroma run` server (loopback) | first build s | no-op rebuild s | cold start s | answer p50 / p95 ms | retrieval p50 ms | server data MB | answer p50 ÷ local | build ÷ local |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in served:
        near = local.get(r.factor)
        lines.append(
            f"| {r.factor}× | {_num(r.first_build.seconds)} | {_num(r.noop_build.seconds)} | {_num(r.probe.cold_start_s)} "
            f"| {_num(r.probe.answer.p50_ms)} / {_num(r.probe.answer.p95_ms)} | {_num(r.probe.retrieval.p50_ms)} "
            f"| {_num(r.index_mb)} | {_ratio(r.probe.answer.p50_ms, near.probe.answer.p50_ms if near else None)} "
            f"| {_ratio(r.first_build.seconds, near.first_build.seconds if near else None)} |"
        )
    return "\n".join(lines)


def machine_limits(report: BenchReport) -> list[str]:
    """Where one machine runs out, extrapolated linearly from the two largest local sizes."""
    rows = sorted(_local_rows(report), key=lambda r: r.factor)
    if len(rows) < 2 or rows[-1].first_build.chunks <= rows[-2].first_build.chunks:
        return []
    small, large = rows[-2], rows[-1]
    chunks = large.first_build.chunks - small.first_build.chunks
    serve_mb = (large.probe.peak_rss_mb - small.probe.peak_rss_mb) / chunks
    build_mb = (large.first_build.peak_rss_mb - small.first_build.peak_rss_mb) / chunks
    build_s = (large.first_build.seconds - small.first_build.seconds) / chunks
    memory_mb = report.memory_mb * MACHINE_MEMORY_FRACTION
    at = large.first_build.chunks
    return [
        f"Measured between {small.factor}× and {large.factor}×, per 1,000 more chunks: serving "
        f"memory {serve_mb * 1000:+.1f} MB, build memory {build_mb * 1000:+.1f} MB, build time "
        f"{build_s * 1000:+.1f} s.",
        f"Memory reaches {MACHINE_MEMORY_FRACTION:.0%} of this machine's "
        f"{report.memory_mb / 1024:.0f} GB at about "
        f"{_chunks_at(memory_mb, large.probe.peak_rss_mb, at, serve_mb)} chunks when serving and "
        f"{_chunks_at(memory_mb, large.first_build.peak_rss_mb, at, build_mb)} when building.",
        "A 1,000,000-chunk corpus would take about "
        + (f"{build_s * 1e6 / 3600:.1f} h" if build_s > 0 else "(not measurable at these sizes)")
        + " to build from scratch at the measured rate.",
    ]


def _local_rows(report: BenchReport) -> list[ScaleRow]:
    return [report.bundled_build, *[r for r in report.scaling if r.chroma == "local"]]


def _heading(report: BenchReport) -> str:
    return (
        f"strikeqa benchmark, {report.started_at} on {report.machine} "
        f"(load average at start {report.load_at_start}, at end {report.load_at_end})"
    )


def _standing(values: Sequence[float], higher_is_better: bool) -> str:
    """How strikeqa (the first value) stands against every baseline on this row."""
    ours, others = values[0], values[1:]
    best = max(others) if higher_is_better else min(others)
    if ours == best:
        return "tied best"
    ahead = ours > best if higher_is_better else ours < best
    return "ahead" if ahead else "**behind**"


def _pipeline(report: BenchReport, name: str) -> ProbeResult:
    return next(p for p in report.pipelines if p.pipeline == name)


def _per_s(probe: ProbeResult) -> float | None:
    return (
        probe.ingest_chunks / probe.startup_s if probe.ingest_chunks and probe.startup_s else None
    )


def _chunks_at(memory_mb: float, at_mb: float, at_chunks: int, mb_per_chunk: float) -> str:
    if mb_per_chunk <= 0:
        return "(no measurable growth at these sizes)"
    return f"{at_chunks + (memory_mb - at_mb) / mb_per_chunk:,.0f}"


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 10:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{value:.3f}"


def _ratio(mine: float | int | None, theirs: float | int | None) -> str:
    if mine is None or not theirs:
        return "–"
    return f"×{mine / theirs:.2f}"
