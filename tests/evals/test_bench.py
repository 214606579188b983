"""The benchmark: its synthetic corpora, its process measurements, its tables, and one small real
run of `python -m evals bench` end to end (what `make bench` runs, at a size CI can afford)."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evals.bench.process import ChildFailed, bench_env, run_child
from evals.bench.report import _standing
from evals.bench.synth import Vocabulary, perturb, real_sentences, synthesize_corpus
from index.dedup import figures_in

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT / "data" / "articles"
SENTENCES = real_sentences(CORPUS)
VOCABULARY = Vocabulary.of(SENTENCES)


@given(st.sampled_from(SENTENCES), st.integers(min_value=0, max_value=2**32))
def test_a_perturbed_sentence_is_never_the_real_one_and_never_gives_its_figures(sentence, seed):
    changed = perturb(sentence, random.Random(seed), VOCABULARY)

    assert changed != sentence
    assert not figures_in(sentence) or figures_in(changed) != figures_in(sentence)


def test_a_synthetic_corpus_is_the_real_one_plus_look_alikes_and_the_same_for_a_seed(tmp_path):
    first = synthesize_corpus(CORPUS, tmp_path / "a", factor=3, seed=5)
    again = synthesize_corpus(CORPUS, tmp_path / "b", factor=3, seed=5)

    real = {p.name for p in CORPUS.glob("*.txt")}
    made = sorted((tmp_path / "a").glob("syn-*.txt"))
    assert (first.real_articles, first.synthetic_articles) == (len(real), 2 * len(real))
    assert real <= {p.name for p in (tmp_path / "a").glob("*.txt")}
    assert [p.read_text() for p in made] == [
        p.read_text() for p in sorted((tmp_path / "b").glob("syn-*.txt"))
    ]
    assert again.synthetic_articles == len(made)
    manifest = (tmp_path / "a" / "manifest.yaml").read_text()
    assert "Synthetic Wire" in manifest and "Fortune" in manifest  # real metadata kept


def test_a_child_is_measured_by_its_own_peak_memory(tmp_path):
    allocate = "x = bytearray(300 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"
    done = run_child([sys.executable, "-c", allocate], bench_env(), timeout_s=60)

    assert done.peak_rss_mb >= 300
    assert done.seconds > 0


def test_a_failed_child_is_reported_with_its_last_words():
    with pytest.raises(ChildFailed, match="no such corpus"):
        run_child([sys.executable, "-c", "import sys; sys.exit('no such corpus')"], bench_env(), 60)


@pytest.mark.parametrize(
    ("values", "higher_is_better", "standing"),
    [
        ((0.9, 0.8, 0.7), True, "ahead"),
        ((0.8, 0.8, 0.7), True, "tied best"),
        ((0.7, 0.8, 0.7), True, "**behind**"),
        ((0.0, 0.0, 0.85), False, "tied best"),
        ((0.1, 0.2, 0.85), False, "ahead"),
    ],
)
def test_a_quality_row_says_where_strikeqa_stands(values, higher_is_better, standing):
    assert _standing(values, higher_is_better) == standing


@pytest.fixture(scope="module")
def small_bench(tmp_path_factory):
    """`python -m evals bench` at 1x and 2x, local and server, one round (about a minute)."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    command = [sys.executable, "-m", "evals", "bench", "--scales", "2", "--server-scales", "2"]
    command += ["--retrievers-at", "2"]
    done = subprocess.run(
        [*command, "--rounds", "1", "--out", str(out)],
        cwd=REPO_ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, json.loads(out.read_text())


@pytest.mark.timeout(900)
def test_the_benchmark_prints_every_table_and_writes_bench_json(small_bench):
    printed, data = small_bench

    headings = ("| quality (bundled", "| quality (2× corpus", "| speed", "| target", "`chroma run`")
    for heading in (*headings, "| corpus (local Chroma)"):
        assert heading in printed
    assert [p["pipeline"] for p in data["retrievers_at_scale"]] == [
        "strikeqa",
        "bm25-only",
        "dense-only",
    ]
    assert [p["pipeline"] for p in data["pipelines"]] == [
        "strikeqa",
        "bm25-only",
        "dense-only",
        "naive-llamaindex",
        "query-embedding",
    ]
    assert [(r["factor"], r["chroma"]) for r in data["scaling"]] == [(2, "local"), (2, "server")]
    assert {t["name"] for t in data["targets"]} >= {"warm answer p50", "no-op rebuild"}
    assert data["bundled_build"]["noop_build"]["embedded"] == 0


@pytest.mark.timeout(900)
def test_strikeqa_beats_the_naive_pipeline_on_retrieval_and_answers(small_bench):
    _, data = small_bench
    quality = {p["pipeline"]: p["quality"] for p in data["pipelines"]}
    ours, naive = quality["strikeqa"], quality["naive-llamaindex"]

    for metric in ("hit_at_1", "mrr", "answerable_pass_rate", "all_pass_rate"):
        assert ours[metric] > naive[metric], metric
    assert ours["boilerplate_hit_rate"] < naive["boilerplate_hit_rate"]


@pytest.mark.timeout(900)
def test_a_larger_corpus_has_more_chunks_and_is_still_answered(small_bench):
    _, data = small_bench
    bundled, larger = data["bundled_build"], data["scaling"][0]

    assert larger["first_build"]["chunks"] > bundled["first_build"]["chunks"]
    assert larger["probe"]["quality"]["answerable_pass_rate"] > 0.5
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", data["started_at"])
