"""app.py's text helpers: what Markdown receives for untrusted text, quotes and fixed replies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from rag.types import Citation


def load_app():
    """app.py by path: under pytest the name `app` is this test folder, not the script."""
    spec = importlib.util.spec_from_file_location(
        "strikeqa_app", Path(__file__).parents[2] / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


app = load_app()
answer_markdown, escape_markdown, quote_in_context = (
    app.answer_markdown,
    app.escape_markdown,
    app.quote_in_context,
)

ARTICLE = "Intro line.\n\nKaiser said patients would be told. Talks resume *Friday*.\n\nLast."


@pytest.mark.parametrize(
    ("typed", "markdown"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("[click](javascript:alert(1))", r"\[click\]\(javascript\:alert\(1\)\)"),
        ("costs $5 or $10", r"costs \$5 or \$10"),
        (":red[loud] **bold** _it_", r"\:red\[loud\] \*\*bold\*\* \_it\_"),
        ("# heading\n- item", "\\# heading\n\\- item"),
        ("Why are they striking?", "Why are they striking?"),
    ],
)
def test_untrusted_text_reaches_markdown_escaped(typed, markdown):
    assert escape_markdown(typed) == markdown


def test_only_the_fixed_replies_short_bold_survives_in_an_answer():
    shown = answer_markdown("Call or text **988**. A quote with **<b>html</b>** stays literal [1].")
    assert "**988**" in shown
    assert r"\*\*\<b\>html\</b\>\*\*" in shown and r"\[1\]" in shown


def test_the_quote_is_highlighted_inside_its_own_paragraph_only():
    start = ARTICLE.index("Talks")
    citation = Citation(
        1, "a", "a.txt", None, None, None, "Talks resume *Friday*.", start, start + 22
    )
    assert quote_in_context(ARTICLE, citation) == (
        r"Kaiser said patients would be told\. :orange-background[**Talks resume \*Friday\*\.**]"
    )
