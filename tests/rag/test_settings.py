"""Configuration: .env.example lists every setting, so operators can see what can be changed."""

from __future__ import annotations

import re
from pathlib import Path

from rag.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_env_example_lists_every_setting_and_nothing_else():
    listed = set(re.findall(r"STRIKEQA_([A-Z0-9_]+)=", EXAMPLE.read_text(encoding="utf-8")))
    assert listed == {name.upper() for name in Settings.model_fields}


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("STRIKEQA_TOP_K", "4")
    monkeypatch.setenv("STRIKEQA_CHROMA_HOST", "127.0.0.1")
    settings = Settings(_env_file=None)
    assert settings.top_k == 4 and settings.chroma_host == "127.0.0.1"
