"""strikeqa answering: `rag.answer(question, history=()) -> Answer`, grounded in the indexed articles.

`answer` uses a process-wide engine built from Settings() on first call (load it once, reuse it);
code that needs other settings calls `rag.engine.build_engine(settings)` itself.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from rag.types import Answer, Citation


def answer(question: str, history: Sequence[str] = ()) -> Answer:
    return default_engine().answer(question, history)


@functools.cache
def default_engine():
    from rag.engine import build_engine
    from rag.settings import Settings

    return build_engine(Settings())


__all__ = ["Answer", "Citation", "answer", "default_engine"]
