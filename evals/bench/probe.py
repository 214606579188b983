"""`python -m evals.bench.probe PIPELINE --spawned-at T`: one pipeline, measured in its own process.

Prints one JSON ProbeResult as its last line: cold start (the parent's spawn time to the first
answer), warm answer latency over every eval case `rounds` times (cached query vectors dropped
between rounds, so no round answers from memory), retrieval-only latency, peak RSS, and quality on
the eval cases. The corpus and index are the ones the STRIKEQA_ environment names.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

FIRST_QUESTION = "Will my appointment be affected by the strike?"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from evals.bench.pipelines import open_pipeline  # the pipeline's own imports count as start-up

    pipeline = open_pipeline(args.pipeline)
    startup_s = time.time() - args.spawned_at
    pipeline.answer(FIRST_QUESTION, ())
    cold_start_s = time.time() - args.spawned_at
    result = measure(args.pipeline, pipeline, (startup_s, cold_start_s), args.rounds, args.profile)
    print(json.dumps(asdict(result)))
    return 0


def measure(name: str, pipeline, starts: tuple[float, float], rounds: int, profile: Path | None):
    """starts: (seconds to ready, seconds to the first answer), both from the spawn."""
    from evals.bench.types import ProbeResult
    from evals.cases import load_cases, load_facts

    cases = load_cases(facts=load_facts())
    answers, answer_ms = _warm_rounds(pipeline, cases, rounds, profile)
    pipeline.forget_cache()
    retrieval_ms = [_retrieval_ms(pipeline, case) for case in cases]
    return ProbeResult(
        pipeline=name,
        cold_start_s=starts[1],
        startup_s=starts[0],
        ingest_s=pipeline.ingest_s,
        ingest_chunks=pipeline.ingest_chunks,
        answer=latency(answer_ms),
        retrieval=latency(retrieval_ms),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        quality=quality(pipeline, cases, answers),
    )


def _warm_rounds(pipeline, cases, rounds: int, profile: Path | None):
    """Every case `rounds` times; the first round's answers are the ones scored."""
    profiler = _start_profiler() if profile else None
    first: list = []
    times_ms: list[float] = []
    for round_number in range(rounds):
        pipeline.forget_cache()
        for case in cases:
            answer, ms = _answer_timed(pipeline, case)
            times_ms.append(ms)
            if round_number == 0:
                first.append(answer)
    if profiler and profile:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    return first, times_ms


def _answer_timed(pipeline, case):
    started = time.perf_counter()
    answer = pipeline.answer(case.question, case.history)
    return answer, (time.perf_counter() - started) * 1000


def quality(pipeline, cases, answers):
    from evals import metrics
    from evals.bench.types import Quality

    scored = [pipeline.score(case, answer) for case, answer in zip(cases, answers, strict=True)]
    if any(s is None for s in scored):
        return None
    retrieval = metrics.retrieval_score([(c, r) for c, (_, r) in zip(cases, scored, strict=True)])
    answerable = [
        result.passed
        for c, (result, _) in zip(cases, scored, strict=True)
        if c.kind == "answerable"
    ]
    return Quality(
        hit_at_1=retrieval.hit_at_1 or 0.0,
        hit_at_3=retrieval.hit_at_3 or 0.0,
        hit_at_5=retrieval.hit_at_5 or 0.0,
        mrr=retrieval.mrr or 0.0,
        boilerplate_hit_rate=retrieval.boilerplate_hit_rate or 0.0,
        answerable_pass_rate=statistics.fmean(answerable),
        all_pass_rate=statistics.fmean(result.passed for result, _ in scored),
    )


def latency(values_ms: Sequence[float]):
    from evals.bench.types import Latency
    from evals.metrics import percentile

    def at(q: float) -> float:
        return round(percentile(values_ms, q) or 0.0, 2)

    return Latency(len(values_ms), at(50), at(95), at(99), round(statistics.fmean(values_ms), 2))


def _retrieval_ms(pipeline, case) -> float:
    started = time.perf_counter()
    pipeline.retrieve(case.question, case.history)
    return (time.perf_counter() - started) * 1000


def _start_profiler():
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.probe", description=__doc__)
    parser.add_argument("pipeline")
    parser.add_argument("--spawned-at", type=float, required=True, help="the parent's time.time()")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the eval cases")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the warm run")
    return parser


if __name__ == "__main__":
    sys.exit(main())
