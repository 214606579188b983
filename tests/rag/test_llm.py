"""The optional generative path against a real OpenAI-compatible HTTP server on 127.0.0.1:
a supported reply is shown, an invented one is dropped, a slow one falls back to extractive."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.cite import verify_citations
from rag.engine import build_engine

Script = Callable[[str], str]  # prompt -> reply text (may sleep)


def cite_the_notice(prompt: str) -> str:
    """What a good model does: restate the passage that answers, with its number."""
    n = re.search(r"\[(\d+)\] Kaiser said (that )?it was notifying", prompt).group(1)
    return f"Kaiser said it was notifying patients whose appointments could be affected by the strike [{n}]."


def invent_facts(prompt: str) -> str:
    return (
        "Only 2 workers are on strike [1]. Kaiser has cancelled every appointment until 2026 [99]."
    )


def hang(prompt: str) -> str:
    time.sleep(8)
    return "too late [1]."


class ScriptedOpenAI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.requests: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body})
        prompt = body["messages"][-1]["content"]
        reply = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.server.script(prompt)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def llm_server() -> Iterator[Callable[[Script], ScriptedOpenAI]]:
    servers: list[ScriptedOpenAI] = []

    def start(script: Script) -> ScriptedOpenAI:
        server = ScriptedOpenAI(script)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def llm_engine(built_corpus, embedder, server: ScriptedOpenAI, rag_settings):
    settings = rag_settings(
        built_corpus.settings,
        answer_mode="llm",
        llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
        llm_model="scripted",
        llm_timeout_s=3.0,
    )
    return build_engine(settings, embedder=embedder)


def test_a_supported_llm_answer_is_shown_with_valid_citations(
    built_corpus, embedder, llm_server, settings_for
):
    server = llm_server(cite_the_notice)
    answer = llm_engine(built_corpus, embedder, server, settings_for).answer(
        "Will my appointment be affected?"
    )
    assert answer.mode == "llm"
    assert answer.text.startswith("Kaiser said it was notifying patients")
    assert (
        "[1]" in answer.text
        and verify_citations(
            answer, llm_engine(built_corpus, embedder, server, settings_for).articles
        )
        == []
    )
    assert server.requests[0]["path"] == "/v1/chat/completions"


def test_an_llm_answer_with_invented_numbers_and_bad_citations_falls_back(
    built_corpus, embedder, llm_server, settings_for
):
    server = llm_server(invent_facts)
    answer = llm_engine(built_corpus, embedder, server, settings_for).answer(
        "Will my appointment be affected?"
    )
    assert answer.mode == "llm->extractive fallback"
    assert "could not be checked" in answer.notice
    assert "Only 2 workers" not in answer.text and "2026" not in answer.text
    assert "notifying patients" in answer.text


def test_a_slow_llm_endpoint_falls_back_within_the_timeout(
    built_corpus, embedder, llm_server, settings_for
):
    server = llm_server(hang)
    started = time.perf_counter()
    answer = llm_engine(built_corpus, embedder, server, settings_for).answer(
        "Will my appointment be affected?"
    )
    assert time.perf_counter() - started < 6.0
    assert answer.mode == "llm->extractive fallback"
    assert "in time" in answer.notice


def test_an_unreachable_endpoint_falls_back_with_a_notice(
    built_corpus, embedder, llm_server, settings_for
):
    server = llm_server(hang)
    port = server.server_port
    server.shutdown()
    server.server_close()
    settings = settings_for(
        built_corpus.settings,
        answer_mode="llm",
        llm_base_url=f"http://127.0.0.1:{port}/v1",
        llm_timeout_s=1.0,
    )
    answer = build_engine(settings, embedder=embedder).answer("Will my appointment be affected?")
    assert answer.mode == "llm->extractive fallback"
    assert "notifying patients" in answer.text


def test_only_the_question_and_retrieved_passages_are_sent(
    built_corpus, embedder, llm_server, settings_for
):
    server = llm_server(cite_the_notice)
    engine = llm_engine(built_corpus, embedder, server, settings_for)
    engine.answer("Will my appointment be affected?", ("my name is Jane Doe and my MRN is 12345",))
    prompt = server.requests[0]["body"]["messages"][-1]["content"]
    assert "Jane Doe" not in prompt and "12345" not in prompt
    assert "Will my appointment be affected?" in prompt
