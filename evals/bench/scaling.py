"""One corpus size on one Chroma configuration -> ScaleRow: build it (twice: first and no-op) and
probe the engine on it, each step in a process of its own.

The same functions measure the bundled corpus (factor 1) and the synthetic larger ones, so every
row of the scaling table is comparable with the bundled row of the same run.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.bench.process import bench_env, python_module, run_child
from evals.bench.server import chroma_server
from evals.bench.synth import synthesize_corpus
from evals.bench.types import BuildRun, ProbeResult, ScaleRow
from index.settings import IndexSettings

BUILD_LINE = re.compile(r"articles: (\d+)\s+chunks: (\d+)\s+embedded: (\d+)")
BUILD_TIMEOUT_S = 4 * 3600
PROBE_TIMEOUT_S = 3600


def measure_scale(
    factor: int, chroma: str, work_dir: Path, rounds: int, profile: Path | None = None
) -> ScaleRow:
    articles = work_dir / "articles"
    if not articles.exists():
        synthesize_corpus(IndexSettings().articles_dir, articles, factor)
    with _chroma(chroma, work_dir) as (env, data_dir):
        first = run_build(env)
        noop = run_build(env)
        probe = run_probe("strikeqa", env, rounds, profile)
        row = ScaleRow(
            factor=factor,
            chroma=chroma,
            articles=len(list(articles.glob("*.txt"))),
            first_build=first,
            noop_build=noop,
            index_mb=directory_mb(data_dir),
            probe=probe,
        )
    return row


def local_env(work_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment that points a child at the corpus and local index in work_dir."""
    local: dict[str, str | Path] = {
        "articles_dir": work_dir / "articles",
        "data_dir": work_dir,
        "chroma_dir": work_dir / "chroma",
        "chroma_host": "",
    }
    return bench_env(**{**local, **overrides})


def run_build(env: dict[str, str]) -> BuildRun:
    done = run_child(python_module("index", "build"), env, BUILD_TIMEOUT_S)
    found = BUILD_LINE.search(done.stdout)
    if not found:
        raise RuntimeError(f"`python -m index build` printed no summary: {done.stdout[-300:]}")
    _, chunks, embedded = map(int, found.groups())
    return BuildRun(done.seconds, chunks, embedded, done.peak_rss_mb)


def run_probe(
    pipeline: str, env: dict[str, str], rounds: int, profile: Path | None = None
) -> ProbeResult:
    extra = ["--profile", str(profile)] if profile else []
    command = python_module(
        "evals.bench.probe",
        pipeline,
        "--spawned-at",
        repr(time.time()),
        "--rounds",
        str(rounds),
        *extra,
    )
    done = run_child(command, env, PROBE_TIMEOUT_S)
    return probe_from_json(json.loads(done.stdout.strip().splitlines()[-1]))


def probe_from_json(data: dict) -> ProbeResult:
    from evals.bench.types import Latency, Quality

    return ProbeResult(
        **{
            **data,
            "answer": Latency(**data["answer"]),
            "retrieval": Latency(**data["retrieval"]),
            "quality": Quality(**data["quality"]) if data["quality"] else None,
        }
    )


def directory_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


@contextmanager
def _chroma(config: str, work_dir: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """The child environment for this index, with a `chroma run` server for "server"."""
    if config == "local":
        yield local_env(work_dir), work_dir / "chroma"
        return
    shutil.rmtree(work_dir / "server", ignore_errors=True)
    with chroma_server(work_dir / "server") as port:
        yield (
            local_env(work_dir, chroma_host="127.0.0.1", chroma_port=str(port)),
            work_dir / "server",
        )
