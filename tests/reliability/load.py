"""Concurrent patient sessions against one Engine: errors, cross-session leakage, latency, throughput.

Each session is a patient asking about one city's picket and then "what's the address?", carrying
only its own history; its follow-up must name its own city's address and no other. Used by the
load tests, and runnable as `python -m tests.reliability.load [--seconds S]`, which prints the
throughput table for 1, 2, 4 and 8 worker threads over the repository's index.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.cite import verify_citations
from rag.engine import Engine

ADDRESSES = {  # what the one article listing the five picket sites says about each
    "Bakersfield": "4900 California Ave.",
    "San Diego": "9455 Clairemont Mesa Blvd.",
    "Fontana": "9961 Sierra Ave.",
    "Anaheim": "3440 East La Palma Ave.",
    "West Los Angeles": "6041 Cadillac Ave.",
}
OPENERS = (
    "is there a picket in {city}",
    "Is there a picket line in {city}?",
    "Where is the {city} picket?",
    "are kaiser workers picketing in {city} today",
)
FOLLOW_UPS = (
    "ok whats the address",
    "what's the address there?",
    "and the address?",
    "ok whats the address",
)


@dataclass(frozen=True, slots=True)
class SessionScript:
    """One patient: the opening question about a city, then a follow-up that only makes sense
    with that opening in the history."""

    city: str
    opener: str
    follow_up: str


@dataclass
class SessionLog:
    script: SessionScript
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exceptions and wrong or leaked answers
    history: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LoadResult:
    sessions: int
    seconds: float
    latencies_ms: tuple[float, ...]  # one per answer
    errors: tuple[str, ...]

    @property
    def answers(self) -> int:
        return len(self.latencies_ms)

    @property
    def answers_per_s(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    def __add__(self, other: LoadResult) -> LoadResult:
        """Two runs of the same thread count, as one."""
        return LoadResult(
            self.sessions,
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            self.errors + other.errors,
        )


def session_scripts(count: int) -> list[SessionScript]:
    """`count` distinct patients, cycling through the five cities and four phrasings."""
    cities = list(ADDRESSES)
    return [
        SessionScript(
            cities[i % len(cities)],
            OPENERS[(i // len(cities)) % len(OPENERS)].format(city=cities[i % len(cities)]),
            FOLLOW_UPS[(i // len(cities)) % len(FOLLOW_UPS)],
        )
        for i in range(count)
    ]


def run_turn(engine: Engine, log: SessionLog, question: str, expect_address: bool) -> None:
    """One question with the session's own history; wrong or leaked answers are errors."""
    started = time.perf_counter()
    try:
        answer = engine.answer(question, tuple(log.history))
    except Exception as error:  # a load test counts failures instead of stopping at the first
        log.errors.append(f"{log.script.city}: {type(error).__name__}: {error}")
        return
    log.latencies_ms.append((time.perf_counter() - started) * 1000)
    log.history.append(question)
    problems = verify_citations(answer, engine.articles)
    if expect_address:
        problems += _address_problems(log.script.city, answer.text)
    log.errors.extend(f"{log.script.city} ({question!r}): {p}" for p in problems)


def _address_problems(city: str, text: str) -> list[str]:
    problems = [] if ADDRESSES[city] in text else [f"follow-up lacks {ADDRESSES[city]}"]
    leaked = [other for other, address in ADDRESSES.items() if other != city and address in text]
    return problems + [f"follow-up leaked {other}'s address" for other in leaked]


def run_session(engine: Engine, log: SessionLog, until: float) -> None:
    """Opener then follow-up, repeated until `until`; a filler unique to the round keeps the text
    (and so the embedding) new each round, as a real stream of different patients would."""
    round_number = 0
    while time.perf_counter() < until:
        opener = f"{log.script.opener} {filler(round_number)}"
        run_turn(engine, log, opener, expect_address=False)
        run_turn(engine, log, log.script.follow_up, expect_address=True)
        round_number += 1


def filler(number: int) -> str:
    """`number` in binary as courtesy words: a distinct text each round that adds no search term
    (a number would: "#40" asks about a 40 the articles never mention, and is rightly refused)."""
    return " ".join("thanks" if bit == "1" else "please" for bit in f"{number:b}")


def run_load(engine: Engine, sessions: int, seconds: float) -> LoadResult:
    """`sessions` threads, each one patient, for `seconds` against the shared engine."""
    logs = [SessionLog(script) for script in session_scripts(sessions)]
    started = time.perf_counter()
    until = started + seconds
    threads = [threading.Thread(target=run_session, args=(engine, log, until)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        sessions=sessions,
        seconds=time.perf_counter() - started,
        latencies_ms=tuple(ms for log in logs for ms in log.latencies_ms),
        errors=tuple(error for log in logs for error in log.errors),
    )


def percentile(values: Sequence[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def throughput_table(
    engine: Engine, workers: Sequence[int], seconds: float, slices: int = 5
) -> list[LoadResult]:
    """`seconds` per thread count, taken in `slices` round-robin turns: on a machine shared with
    other work, load that comes and goes then falls on every row alike, so the ratios hold."""
    engine.answer("warm up: will my appointment be affected?")
    totals = {count: LoadResult(count, 0.0, (), ()) for count in workers}
    for _ in range(slices):
        for count in workers:
            totals[count] += run_load(engine, count, seconds / slices)
    return list(totals.values())


def format_table(results: Sequence[LoadResult]) -> str:
    base = results[0].answers_per_s or 1.0
    lines = [
        "| threads | answers | answers/s | vs 1 thread | p50 ms | p95 ms | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.sessions} | {r.answers} | {r.answers_per_s:.2f} | {r.answers_per_s / base:.2f}x "
        f"| {r.p50_ms:.0f} | {r.p95_ms:.0f} | {len(r.errors)} |"
        for r in results
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="per thread count, in all")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args(argv)
    from rag.engine import build_engine
    from rag.settings import Settings

    results = throughput_table(build_engine(Settings()), args.workers, args.seconds)
    print(format_table(results))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
