"""Load: 20 patients at once against one Engine, each with its own conversation.

Every session asks about its own city's picket, then "what's the address?"; its follow-up must
carry its own city's address and no other (a leak between sessions would show another city's).
The default run holds 20 sessions for 10 s; `make soak` holds them for 60 s and prints the
throughput table for 1, 2, 4 and 8 worker threads. Latency is reported, not asserted.
"""

from __future__ import annotations

import json

import pytest
from harness import REPO_ROOT
from load import ADDRESSES, format_table, run_load, throughput_table

REPORT_DIR = REPO_ROOT / "artifacts" / "reliability"


def report(name: str, payload: dict) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"{name}.json").write_text(json.dumps(payload, indent=2))
    print(f"\n{name}: {payload}")


def held_sessions(engine, sessions: int, seconds: float) -> None:
    engine.answer("warm up: will my appointment be affected?")
    result = run_load(engine, sessions, seconds)
    report(
        f"load-{sessions}x{seconds:.0f}s",
        {
            "sessions": result.sessions,
            "seconds": round(result.seconds, 1),
            "answers": result.answers,
            "errors": len(result.errors),
            "p50_ms": round(result.p50_ms),
            "p95_ms": round(result.p95_ms),
        },
    )
    assert result.errors == (), result.errors[:10]
    assert result.answers >= 2 * sessions, "every session got at least its opener and its follow-up"


@pytest.mark.timeout(300)
def test_twenty_concurrent_sessions_each_get_their_own_follow_up_answers(engine):
    held_sessions(engine, sessions=20, seconds=10)


@pytest.mark.soak
@pytest.mark.timeout(900)
def test_twenty_concurrent_sessions_for_a_minute_keep_their_own_conversations(engine):
    held_sessions(engine, sessions=20, seconds=60)


@pytest.mark.soak
@pytest.mark.timeout(900)
def test_throughput_with_one_to_eight_worker_threads(engine):
    results = throughput_table(engine, [1, 2, 4, 8], seconds=20)
    table = format_table(results)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "throughput.md").write_text(table + "\n")
    print("\n" + table)
    assert all(r.errors == () for r in results)


def test_the_session_scripts_cover_every_picket_city():
    from load import session_scripts

    scripts = session_scripts(20)
    assert {s.city for s in scripts} == set(ADDRESSES)
    assert len({(s.opener, s.follow_up) for s in scripts}) == 20, "twenty distinct patients"
