"""`python -m rag ask`: the JSON contract and clear usage errors, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def index_env(built_corpus) -> dict[str, str]:
    s = built_corpus.settings
    return {"STRIKEQA_ARTICLES_DIR": str(s.articles_dir), "STRIKEQA_CHROMA_DIR": str(s.chroma_dir)}


def test_ask_json_prints_one_object_whose_quotes_are_verbatim_in_their_articles(built_corpus):
    result = run_cli(
        "ask", "will my appt be cancelled", "--json", env_extra=index_env(built_corpus)
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {
        "question",
        "answer",
        "refused",
        "safety",
        "mode",
        "latency_ms",
        "citations",
    }
    assert (
        answer["refused"] is False and answer["safety"] is None and answer["mode"] == "extractive"
    )
    texts = {a.article_id: a.text for a in built_corpus.state.articles}
    for citation in answer["citations"]:
        assert set(citation) == {
            "n",
            "article_id",
            "source_file",
            "outlet",
            "title",
            "published",
            "quote",
            "start",
            "end",
        }
        assert (
            texts[citation["article_id"]][citation["start"] : citation["end"]] == citation["quote"]
        )
        assert f"[{citation['n']}]" in answer["answer"]


def test_ask_with_history_answers_the_follow_up(built_corpus):
    result = run_cli(
        "ask",
        "ok whats the address",
        "--history",
        "is there a picket in fontana",
        env_extra=index_env(built_corpus),
    )
    assert result.returncode == 0, result.stderr
    assert "9961 Sierra Ave." in result.stdout


def test_an_empty_question_is_a_usage_error_not_a_traceback():
    result = run_cli("ask", "   ")
    assert result.returncode == 2
    assert "the question is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_index_says_how_to_build_it(tmp_path):
    result = run_cli("ask", "hello", env_extra={"STRIKEQA_CHROMA_DIR": str(tmp_path / "none")})
    assert result.returncode == 1
    assert "python -m index build" in result.stderr
    assert "Traceback" not in result.stderr
