"""Child processes, measured: wall seconds and peak resident memory of exactly that process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class ChildFailed(RuntimeError):
    """A measured process exited non-zero or ran out of time; str() carries its last words."""


@dataclass(frozen=True, slots=True)
class ChildRun:
    seconds: float  # spawn to exit
    peak_rss_mb: float  # the child's own maximum resident set (getrusage via wait4)
    stdout: str
    stderr: str


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_child(command: list[str], env: dict[str, str], timeout_s: float) -> ChildRun:
    """Run to completion; output goes to temp files so wait4 (and its rusage) is ours to call."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=err)
        timer = threading.Timer(timeout_s, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        stdout, stderr = _read(out), _read(err)
    if child.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        raise ChildFailed(f"{' '.join(command[1:4])} exited {child.returncode}: {tail}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, stdout, stderr)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a child we started, killing it if it ignores SIGTERM."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def bench_env(**overrides: str | os.PathLike) -> dict[str, str]:
    """This process's environment, offline, with STRIKEQA_ settings for the child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIKEQA_")}
    env |= {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env |= {"ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(REPO_ROOT)}
    env |= {f"STRIKEQA_{k.upper()}": str(v) for k, v in overrides.items()}
    return env


def _read(handle) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")
