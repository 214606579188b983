"""Index-test helpers: run the `python -m index` CLI (as a process or in-process), copy the
session's built index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.settings import IndexSettings


@dataclass(frozen=True, slots=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def records(self) -> list[dict]:
        """`export` output: one JSON object per line."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def run_index_cli(settings: IndexSettings, *args: str) -> CliResult:
    """`python -m index ARGS` in a fresh process, configured only through STRIKEQA_ env vars."""
    env = {
        **os.environ,
        "STRIKEQA_ARTICLES_DIR": str(settings.articles_dir),
        "STRIKEQA_CHROMA_DIR": str(settings.chroma_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "index", *args],
        cwd=settings.chroma_dir.parent.parent,  # not the repo: a developer's .env must not leak in
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def copy_index(source: IndexSettings, root: Path) -> IndexSettings:
    """A private copy of an index and its corpus under `root`, safe to build into or edit."""
    shutil.copytree(source.articles_dir, root / "articles")
    shutil.copytree(source.chroma_dir.parent, root / "index")
    update = {"articles_dir": root / "articles", "chroma_dir": root / "index" / "chroma"}
    return source.model_copy(update=update)


@pytest.fixture(scope="session")
def index_cli() -> Callable[..., CliResult]:
    """index_cli(settings, "build", ...): the real CLI against `settings`' corpus and index."""
    return run_index_cli


@pytest.fixture
def index_main(monkeypatch, capsys) -> Callable[..., CliResult]:
    """index_main(settings, "export", ...): the CLI's main() in this process (no torch re-import),
    configured through STRIKEQA_ env vars exactly as a shell would."""
    from index.__main__ import main

    def run(settings: IndexSettings, *args: str) -> CliResult:
        monkeypatch.setenv("STRIKEQA_ARTICLES_DIR", str(settings.articles_dir))
        monkeypatch.setenv("STRIKEQA_CHROMA_DIR", str(settings.chroma_dir))
        monkeypatch.chdir(settings.chroma_dir.parent.parent)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture(scope="session")
def copy_built(built_corpus, tmp_path_factory) -> Callable[[], IndexSettings]:
    """copy_built(): settings for a fresh private copy of the session's built index."""
    return lambda: copy_index(built_corpus.settings, tmp_path_factory.mktemp("built_copy"))


@pytest.fixture
def built_copy(copy_built) -> IndexSettings:
    return copy_built()
