"""Privacy: with no LLM configured, answering talks to nothing off this machine, and logs carry a
patient's question only when debug_log_questions is switched on."""

from __future__ import annotations

import ipaddress
import logging
import shutil
import socket

import pytest
from harness import answer_settings

from rag.engine import build_engine

# Distinctive enough that any log line carrying the question (or history) would contain it.
QUESTION = "My therapist Dr. Quillfeather-8842 is on strike, will my appointment be affected?"
HISTORY = ("I live at 17 Marrowbone Lane-5531 and see a psychiatrist there",)
SECRETS = ("Quillfeather-8842", "Marrowbone Lane-5531")


@pytest.fixture
def connections(monkeypatch) -> list[tuple]:
    """Every socket connect and name lookup made in this process (any thread) while the test runs."""
    made: list[tuple] = []
    real_connect, real_connect_ex, real_lookup = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def connect(self, address):
        made.append((self.family, address))
        return real_connect(self, address)

    def connect_ex(self, address):
        made.append((self.family, address))
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        made.append(("lookup", host))
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return made


def off_machine(family, address) -> bool:
    if family == socket.AF_UNIX:
        return False
    host = address if family == "lookup" else address[0]
    if host in ("localhost", None):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name other than localhost


def test_answering_without_an_llm_connects_to_nothing_off_this_machine(
    built_corpus, embedder, connections, monkeypatch, tmp_path
):
    monkeypatch.delenv("ANONYMIZED_TELEMETRY", raising=False)  # as a user's shell would have it
    chroma_dir = tmp_path / "chroma"  # chromadb allows one set of client settings per path
    shutil.copytree(built_corpus.settings.chroma_dir, chroma_dir)
    settings = answer_settings(built_corpus.settings, chroma_dir=chroma_dir)
    engine = build_engine(settings, embedder=embedder)
    assert engine.llm is None

    answers = [
        engine.answer(QUESTION, HISTORY),
        engine.answer("ok whats the address", ["is there a picket in fontana"]),
    ]

    assert all(a.text and a.mode == "extractive" for a in answers)
    assert [c for c in connections if off_machine(*c)] == []
    assert_recorder_sees(connections)


def assert_recorder_sees(connections: list[tuple]) -> None:
    """The recorder is live: a loopback connect made now shows up in it."""
    with socket.socket() as listener, socket.socket() as client:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client.connect(listener.getsockname())
        assert connections[-1] == (socket.AF_INET, listener.getsockname())


def test_logs_do_not_carry_the_question_unless_debug_logging_of_questions_is_on(
    built_corpus, embedder, caplog
):
    quiet = build_engine(answer_settings(built_corpus.settings), embedder=embedder)
    with caplog.at_level(logging.DEBUG, logger="strikeqa"), caplog.at_level(logging.INFO):
        quiet.answer(QUESTION, HISTORY)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert any(r.name == "strikeqa" for r in caplog.records), "the engine logs each answer"
    assert not any(secret in logged for secret in SECRETS)

    caplog.clear()
    verbose = build_engine(
        answer_settings(built_corpus.settings, debug_log_questions=True), embedder=embedder
    )
    with caplog.at_level(logging.DEBUG, logger="strikeqa"):
        verbose.answer(QUESTION, HISTORY)
    assert SECRETS[0] in "\n".join(record.getMessage() for record in caplog.records)
