"""A larger corpus must not change what is refused: the bundled articles plus 45 look-alike
articles (evals/bench/synth.py: real sentences spliced, other names and figures) hold many more
words, so checks against "the whole corpus" or its word frequencies would drift as it grows."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_support import answer_settings

from evals.bench.synth import synthesize_corpus
from index.build import build_index
from index.settings import IndexSettings
from rag.engine import Engine, build_engine

CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.fixture(scope="module")
def larger_engine(tmp_path_factory, embedder) -> Engine:
    root = tmp_path_factory.mktemp("ten_times")
    synthesize_corpus(CORPUS_DIR, root / "articles", factor=10, seed=0)
    settings = IndexSettings(
        _env_file=None, articles_dir=root / "articles", chroma_dir=root / "chroma", chroma_host=None
    )
    build_index(settings, embedder)
    return build_engine(answer_settings(settings), embedder=embedder)


def test_a_name_the_larger_corpus_mentions_elsewhere_is_still_not_ours(larger_engine):
    assert "smith" in larger_engine.corpus.lexicon.corpus  # a look-alike article names a Smith

    answer = larger_engine.answer("is dr. smith at the riverside clinic on strike")

    assert answer.refused and not answer.citations


def test_a_misspelt_address_question_is_still_answered_with_the_address(larger_engine):
    answer = larger_engine.answer("fontana picket adress?")

    assert not answer.refused
    assert "9961 Sierra Ave." in answer.text


def test_an_everyday_word_the_articles_lack_does_not_tip_into_a_refusal(larger_engine):
    answer = larger_engine.answer("could i get sent to a therapist outside of kaiser during this")

    assert not answer.refused
    assert "outside of Kaiser" in answer.text
