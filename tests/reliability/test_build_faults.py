"""Faults in the index: `python -m index build --rebuild` SIGKILLed at random points, and files in
the Chroma directory deleted or corrupted.

After every kill the committed index is the previous complete one or the new complete one (every
committed vector present, an engine on it answers, and nothing outside the committed state is
ever retrieved). A damaged directory gets one clear line from `python -m rag ask` and
`python -m index stats` (what is wrong, how to rebuild; no traceback), and a build recovers it.
"""

from __future__ import annotations

import functools
import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from harness import REPO_ROOT, answer_settings, index_env

from index import store
from index.build import _plan, build_index
from index.load import corpus_files, load_articles
from index.manifest import read_manifest
from index.settings import IndexSettings
from rag import __main__ as rag_cli
from rag.cite import verify_citations
from rag.engine import build_engine

PICKET_ARTICLE = "004_347b3ec411fdd49b.txt"
ANCHOR = "There will be lunchtime rallies"
KILL_REPORT = REPO_ROOT / "artifacts" / "reliability" / "build-kills.json"
QUESTIONS = (
    "Will my appointment be affected?",
    "Why are they striking?",
    "zephyrhills rally marker",
)


@dataclass(frozen=True, slots=True)
class KillRound:
    phase: str  # "embedding": during the embedding batches; "writing": after them (upsert, commit, delete)
    delay_s: float  # after the phase began
    killed: bool  # False: the build finished before the kill came
    outcome: str  # "previous" or "new": which complete index was committed afterwards
    orphan_vectors: int  # uncommitted vectors left in Chroma (invisible to readers)


def private_index(built_corpus, root: Path) -> IndexSettings:
    """A private copy of the session's built index and its corpus, safe to break."""
    shutil.copytree(built_corpus.settings.articles_dir, root / "articles")
    shutil.copytree(built_corpus.settings.chroma_dir, root / "index" / "chroma")
    return built_corpus.settings.model_copy(
        update={"articles_dir": root / "articles", "chroma_dir": root / "index" / "chroma"}
    )


def planned_keys(settings: IndexSettings) -> set[str]:
    """The vector keys a complete build of the corpus as it is now would commit."""
    loaded = load_articles(
        corpus_files(settings.articles_dir), read_manifest(settings.manifest_path), 10**8
    )
    return _plan(settings, loaded.articles, None)[0].keys()


def edit_picket_article(settings: IndexSettings, round_number: int) -> None:
    """A new sentence mid-article: new text, and every later chunk moves (new keys)."""
    path = settings.articles_dir / PICKET_ARTICLE
    text = path.read_text(encoding="utf-8")
    marker = f"Organizers said the Zephyrhills rally marker {round_number} would follow. "
    path.write_text(text.replace(ANCHOR, marker + ANCHOR, 1), encoding="utf-8")


def snapshot(settings: IndexSettings, root: Path) -> IndexSettings:
    """The index exactly as the killed build left it on disk, opened from a fresh path (chromadb
    caches clients per path in-process, so each check must read a path it has not opened)."""
    shutil.copytree(settings.chroma_dir, root / "chroma")
    return settings.model_copy(update={"chroma_dir": root / "chroma"})


def kill_build_at_random(
    settings: IndexSettings, phase: str, rng: random.Random
) -> tuple[float, bool]:
    """Start `python -m index build --rebuild`, wait for `phase`, SIGKILL it a random moment later."""
    build = subprocess.Popen(
        [sys.executable, "-m", "index", "build", "--rebuild"],
        cwd=settings.chroma_dir.parent,
        env=index_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    began = _phase_began(build, b"embedding:" if phase == "embedding" else b"embedding: 100%")
    delay_s = rng.uniform(0, 3.0 if phase == "embedding" else 0.5)
    assert began.wait(timeout=300), "the build never reached its embedding phase"
    time.sleep(delay_s)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=60)
    assert build.returncode in (0, -signal.SIGKILL), "a build that was not killed failed"
    return delay_s, build.returncode == -signal.SIGKILL


def _phase_began(build: subprocess.Popen, marker: bytes) -> threading.Event:
    """Set once `marker` shows in the build's progress output on stderr (or the build ends)."""
    seen = threading.Event()

    def watch() -> None:
        output = b""
        assert build.stderr
        while chunk := build.stderr.read1(4096):
            output += chunk
            if marker in output:
                seen.set()
        seen.set()

    threading.Thread(target=watch, daemon=True).start()
    return seen


def check_committed(
    settings: IndexSettings, embedder, previous: set[str], new: set[str]
) -> tuple[str, int]:
    """The committed index is one of the two complete ones, whole, and answers from itself only."""
    collection = store.open_collection(store.open_client(settings), settings)
    state = store.read_state(store.open_client(settings), settings)
    assert state is not None, "a killed build left no committed index"
    assert state.keys() in (previous, new), (
        "the committed state is neither the old nor the new index"
    )
    present = store.all_keys(collection)
    assert state.keys() <= present, "committed vectors are missing"
    engine = build_engine(answer_settings(settings), embedder=embedder)
    committed = {s.chunk for s in state.chunks}
    for question in QUESTIONS:
        answer = engine.answer(question)
        assert verify_citations(answer, engine.articles) == []
        assert {hit.chunk for hit in answer.retrieved} <= committed, (
            "an uncommitted chunk was retrieved"
        )
    follow_up = engine.answer("ok whats the address", ["is there a picket in fontana"])
    assert "9961 Sierra Ave." in follow_up.text
    return ("previous" if state.keys() == previous else "new"), len(present - state.keys())


def run_kill_rounds(built_corpus, embedder, root: Path, kills: int, seed: int) -> list[KillRound]:
    rng = random.Random(seed)
    settings = private_index(built_corpus, root / "live")
    committed = built_corpus.state.keys()
    rounds = []
    for number in range(kills):
        edit_picket_article(settings, number)  # so the old and new index differ every round
        new = planned_keys(settings)
        phase = ("writing", "embedding")[number % 2]
        delay_s, killed = kill_build_at_random(settings, phase, rng)
        outcome, orphans = check_committed(
            snapshot(settings, root / f"after-{number}"), embedder, committed, new
        )
        committed = committed if outcome == "previous" else new
        rounds.append(KillRound(phase, round(delay_s, 2), killed, outcome, orphans))
    summary = build_index(settings, embedder)  # the next ordinary build completes and cleans up
    final = store.open_collection(store.open_client(settings), settings)
    assert (
        store.read_state(store.open_client(settings), settings).keys()
        == store.all_keys(final)
        == planned_keys(settings)
    )
    assert not summary.skipped
    return rounds


def report_kills(rounds: list[KillRound], seed: int) -> None:
    KILL_REPORT.parent.mkdir(parents=True, exist_ok=True)
    KILL_REPORT.write_text(
        json.dumps({"seed": seed, "rounds": [asdict(r) for r in rounds]}, indent=2)
    )
    print(
        f"\nkills: {sum(r.killed for r in rounds)} of {len(rounds)} builds; outcomes: "
        f"{[r.outcome for r in rounds]}; orphan vectors: {[r.orphan_vectors for r in rounds]}"
    )


@pytest.mark.timeout(900)
def test_a_build_killed_at_random_points_leaves_the_old_or_the_new_complete_index(
    built_corpus, embedder, tmp_path
):
    seed = random.randrange(10**6)
    rounds = run_kill_rounds(built_corpus, embedder, tmp_path, kills=3, seed=seed)
    report_kills(rounds, seed)
    assert len(rounds) == 3


@pytest.mark.soak
@pytest.mark.timeout(3600)
def test_twenty_builds_killed_at_random_points_never_lose_the_index(
    built_corpus, embedder, tmp_path
):
    seed = random.randrange(10**6)
    rounds = run_kill_rounds(built_corpus, embedder, tmp_path, kills=20, seed=seed)
    report_kills(rounds, seed)
    assert sum(r.killed for r in rounds) >= 10, "most builds must actually have been killed"


# --- damaged Chroma directories ------------------------------------------------------------


def truncate_database(settings: IndexSettings) -> None:
    database = settings.chroma_dir / "chroma.sqlite3"
    with database.open("r+b") as file:
        file.truncate(database.stat().st_size // 2)


def overwrite_database_header(settings: IndexSettings) -> None:
    with (settings.chroma_dir / "chroma.sqlite3").open("r+b") as file:
        file.write(b"this is not a sqlite database")


def empty_database(settings: IndexSettings) -> None:
    (settings.chroma_dir / "chroma.sqlite3").write_bytes(b"")


def delete_segment_files(settings: IndexSettings) -> None:
    for segment in (p for p in settings.chroma_dir.iterdir() if p.is_dir()):
        shutil.rmtree(segment)


def garble_segment_files(settings: IndexSettings) -> None:
    for binary in settings.chroma_dir.glob("*/*.bin"):
        binary.write_bytes(random.Random(binary.name).randbytes(1000))


def delete_directory(settings: IndexSettings) -> None:
    shutil.rmtree(settings.chroma_dir)


def corrupt_state(settings: IndexSettings) -> None:
    store.write_state_text(store.open_client(settings), settings, '{"version": 3, "chunks": [')


def delete_some_vectors(settings: IndexSettings) -> None:
    collection = store.open_collection(store.open_client(settings), settings)
    collection.delete(ids=sorted(store.all_keys(collection))[:5])


DAMAGE = {
    "database-header-overwritten": overwrite_database_header,
    "database-emptied": empty_database,
    "segment-files-deleted": delete_segment_files,
    "segment-files-garbled": garble_segment_files,
    "directory-deleted": delete_directory,
    "state-corrupted": corrupt_state,
    "vectors-deleted": delete_some_vectors,
}


def assert_one_clear_line_or_answer(code: int, out: str, err: str, answered: str) -> str:
    """A damaged index either still works (then `answered` is in the output) or says, on one
    line, what is wrong and how to rebuild. Returns which happened."""
    assert "Traceback" not in err + out
    if code == 0:
        assert answered in out
        return "works"
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "python -m index build" in err, (
        err
    )
    return "error"


@pytest.fixture
def run_in_process(monkeypatch, capsys, embedder):
    """The CLIs' main() in this process, configured by STRIKEQA_ env vars as from a shell."""
    from index.__main__ import main as index_main

    monkeypatch.setattr(rag_cli, "build_engine", functools.partial(build_engine, embedder=embedder))

    def run(settings: IndexSettings, cli: str, *args: str) -> tuple[int, str, str]:
        for name, value in index_env(settings).items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(settings.chroma_dir.parent.parent)
        capsys.readouterr()
        code = (rag_cli.main if cli == "rag" else index_main)(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_gets_one_clear_line_and_a_build_recovers_it(
    damage, built_corpus, embedder, tmp_path, run_in_process
):
    settings = private_index(built_corpus, tmp_path)
    DAMAGE[damage](settings)

    asked = assert_one_clear_line_or_answer(
        *run_in_process(settings, "rag", "ask", "is there a picket in fontana", "--json"),
        answered="Fontana",
    )
    stats = assert_one_clear_line_or_answer(
        *run_in_process(settings, "index", "stats"), answered="chunks: "
    )
    if damage.startswith("segment"):  # Chroma rebuilds its vector segment from its SQLite log
        assert (asked, stats) == ("works", "works")
    else:
        assert (asked, stats) == ("error", "error")
    build_index(settings, embedder)
    recovered = build_engine(answer_settings(settings), embedder=embedder)
    assert (
        "9961 Sierra Ave."
        in recovered.answer("ok whats the address", ["is there a picket in fontana"]).text
    )


@pytest.mark.timeout(600)
def test_a_truncated_database_is_reported_by_the_real_clis_and_index_build_recovers_it(
    built_corpus, embedder, tmp_path, run_in_process
):
    settings = private_index(built_corpus, tmp_path)
    truncate_database(settings)

    def start(*command: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=tmp_path,
            env=index_env(settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    ask, stats = start("rag", "ask", "Why are they striking?"), start("index", "stats")
    for process in (ask, stats):
        out, err = process.communicate(timeout=300)
        assert (
            assert_one_clear_line_or_answer(process.returncode, out, _without_progress(err), "")
            == "error"
        )
        assert "cannot open Chroma" in err and "malformed" in err
    code, out, err = run_in_process(settings, "index", "build")  # the model is loaded here already
    assert code == 0 and "could not be opened; moved it to chroma.unreadable-" in out, err
    collection = store.open_collection(store.open_client(settings), settings)
    assert (
        store.read_state(store.open_client(settings), settings).keys()
        == store.all_keys(collection)
        == built_corpus.state.keys()
    )
    engine = build_engine(answer_settings(settings), embedder=embedder)
    assert (
        "9961 Sierra Ave."
        in engine.answer("ok whats the address", ["is there a picket in fontana"]).text
    )


def _without_progress(stderr: str) -> str:
    """The model loader's progress bar is not part of the CLI's message."""
    return "".join(
        line for line in stderr.splitlines(keepends=True) if "Loading weights" not in line
    )
