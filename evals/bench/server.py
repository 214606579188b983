"""A real `chroma run` server on loopback, for measuring (and testing) the server configuration."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.bench.process import stop_process

HEARTBEAT_TIMEOUT_S = 60


class ChromaServerUnavailable(RuntimeError):
    """The chroma CLI is missing, or the server did not come up."""


def chroma_command() -> str:
    beside_python = Path(sys.executable).with_name("chroma")
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    if not found:
        raise ChromaServerUnavailable("the chroma CLI is not installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def chroma_server(data_dir: Path) -> Iterator[int]:
    """A server on 127.0.0.1:<free port> keeping its data in data_dir; yields the port."""
    port = free_port()
    server = start_chroma(data_dir, port)
    try:
        yield port
    finally:
        stop_process(server)


def start_chroma(data_dir: Path, port: int) -> subprocess.Popen:
    """`chroma run` on 127.0.0.1:port, returned once it answers its heartbeat."""
    address = ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [chroma_command(), "run", "--path", str(data_dir), *address],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_heartbeat(port, server)
    except ChromaServerUnavailable:
        stop_process(server)
        raise
    return server


def wait_for_heartbeat(
    port: int, server: subprocess.Popen, timeout_s: float = HEARTBEAT_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ChromaServerUnavailable(f"chroma run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise ChromaServerUnavailable(f"no heartbeat from chroma run on port {port} in {timeout_s} s")
