"""The benchmark's composition root: BenchOptions -> BenchReport.

Every measurement runs in a fresh child process (so start-up, memory and caches are its own) on
an index built for the run in a temp directory: the bundled corpus first, where all pipelines are
compared, then larger synthetic corpora on a local Chroma and on a `chroma run` server.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evals.bench.pipelines import EMBEDDING_FLOOR, NAIVE
from evals.bench.scaling import local_env, measure_scale, run_probe
from evals.bench.types import BenchReport, ProbeResult, ScaleRow

SINGLE_RETRIEVERS = ("bm25-only", "dense-only")
BASELINES = (*SINGLE_RETRIEVERS, NAIVE, EMBEDDING_FLOOR)


@dataclass(frozen=True, slots=True)
class BenchOptions:
    scales: tuple[int, ...] = (10, 100, 1000)  # local Chroma, as multiples of the bundled corpus
    server_scales: tuple[int, ...] = (1, 100)  # the same on a `chroma run` server
    rounds: int = 3  # passes over the eval cases for warm latency (73 cases: 219 questions)
    profile: Path | None = None  # pyinstrument profile of strikeqa's warm run on the bundled corpus
    retrievers_at: int = 10  # the larger corpus on which the single-retriever variants run again


def run_bench(options: BenchOptions) -> BenchReport:
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_at_start = _load()
    with tempfile.TemporaryDirectory(prefix="strikeqa-bench-") as tmp:
        root = Path(tmp)
        _say("bundled corpus: build, no-op build, strikeqa probe")
        bundled = measure_scale(1, "local", root / "1x", options.rounds, options.profile)
        baselines = []
        for name in BASELINES:
            _say(f"bundled corpus: {name} probe")
            baselines.append(run_probe(name, local_env(root / "1x"), options.rounds))
        scaling, retrievers = _scaling(root, options)
    return BenchReport(
        started_at=started_at,
        machine=_machine(),
        memory_mb=_memory_mb(),
        load_at_start=load_at_start,
        load_at_end=_load(),
        questions=bundled.probe.answer.count,
        pipelines=(bundled.probe, *baselines),
        bundled_build=bundled,
        scaling=tuple(scaling),
        retrievers_factor=options.retrievers_at if retrievers else None,
        retrievers_at_scale=tuple(retrievers),
    )


def _scaling(root: Path, options: BenchOptions) -> tuple[list[ScaleRow], list[ProbeResult]]:
    """Every larger corpus on each configuration asked for; at `retrievers_at` (local Chroma)
    the single-retriever variants are probed too, before that corpus is deleted."""
    rows: list[ScaleRow] = []
    retrievers: list[ProbeResult] = []
    for factor in sorted(set(options.scales) | set(options.server_scales)):
        configs = [
            c
            for c, scales in (("local", options.scales), ("server", options.server_scales))
            if factor in scales
        ]
        for config in configs:
            if factor == 1 and config == "local":
                continue  # the bundled row, measured first
            _say(f"{factor}× corpus on {config} Chroma: generate, build, no-op build, probe")
            rows.append(measure_scale(factor, config, root / f"{factor}x", options.rounds))
            if config == "local" and factor == options.retrievers_at:
                retrievers = [rows[-1].probe] + _single_retrievers(root / f"{factor}x", options)
        if factor != 1:
            shutil.rmtree(root / f"{factor}x", ignore_errors=True)  # 1000× is ~1 GB on disk
    return rows, retrievers


def _single_retrievers(work_dir: Path, options: BenchOptions) -> list[ProbeResult]:
    _say(f"{options.retrievers_at}× corpus: bm25-only and dense-only probes")
    return [run_probe(name, local_env(work_dir), options.rounds) for name in SINGLE_RETRIEVERS]


def _machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        model = names[0] if names else model
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _memory_mb() -> float:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return 0.0
    total_kb = next(
        line.split()[1] for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")
    )
    return int(total_kb) / 1024


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
