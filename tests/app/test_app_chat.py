"""app.py through Streamlit's AppTest: real engine, real index, one script run per interaction."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from index import store

APP = Path(__file__).resolve().parents[2] / "app.py"
APP_TIMEOUT_S = 120  # the first run loads the model and opens the index
pytestmark = pytest.mark.usefixtures("app_env")
FEEDBACK_FIELDS = {"question", "answer", "citations", "rating", "comment", "ts"}


def start_app() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S).run()
    assert not app.exception, app.exception
    return app


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def leaves(block) -> list:
    """Every element under a block, depth first, in screen order."""
    found = []
    for child in block.children.values():
        found += leaves(child) if getattr(child, "children", None) else [child]
    return found


def markdown_of(block) -> list[str]:
    return [str(getattr(node, "value", "")) for node in leaves(block)]


def texts(block) -> list[str]:
    """What a reader sees: the Markdown with its backslash escapes resolved."""
    return [unescaped(text) for text in markdown_of(block)]


def unescaped(markdown: str) -> str:
    """What a reader sees: escapes resolved, invisible word joiners (kept "--" literal) dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def assistant_messages(app: AppTest) -> list:
    return [message for message in app.chat_message if message.name == "assistant"]


def test_a_question_is_answered_with_numbered_sources_and_the_notice():
    app = ask(start_app(), "Will my appointment be affected?")
    [answer] = assistant_messages(app)
    assert "[1]" in texts(answer)[0]
    assert unescaped(app.expander[0].label).startswith("[1] ")
    [highlighted] = re.findall(r":orange-background\[\*\*(.+?)\*\*\]", texts(app.expander[0])[1])
    assert highlighted in texts(answer)[0], "the quote is highlighted inside its paragraph"
    notice = " ".join(info.value for info in app.info)
    assert "not medical advice" in notice and "988" in notice and "911" in notice
    assert "Kaiser care team" in notice


def test_a_starter_question_is_asked_with_one_click():
    app = start_app()
    app.button(key="starter-0").click().run()
    [question] = [m for m in app.chat_message if m.name == "user"]
    assert texts(question) == ["Will my appointment be affected?"]
    assert app.expander, "the starter's answer lists its sources"
    assert not [b for b in app.button if b.key and b.key.startswith("starter-")]


def test_a_follow_up_keeps_the_conversation():
    app = ask(ask(start_app(), "Why are they striking?"), "Where are the picket lines?")
    questions = [texts(m)[0] for m in app.chat_message if m.name == "user"]
    assert questions == ["Why are they striking?", "Where are the picket lines?"]
    assert len(assistant_messages(app)) == 2


def test_feedback_is_appended_as_one_json_line_with_only_the_agreed_fields(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIKEQA_DATA_DIR", str(tmp_path))
    app = ask(start_app(), "Will my appointment be affected?")
    app.feedback(key="rating-0").set_value(1)
    app.text_input(key="comment-0").input("clear, thanks")
    app.button[-1].click().run()  # the form's "Send feedback"
    [line] = (tmp_path / "feedback.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert set(record) == FEEDBACK_FIELDS
    assert record["question"] == "Will my appointment be affected?"
    assert (record["rating"], record["comment"]) == ("up", "clear, thanks")
    assert record["citations"][0]["n"] == 1 and record["citations"][0]["quote"] in record["answer"]
    assert set(record["citations"][0]) == {"n", "source_file", "quote"}
    assert "Thanks for your feedback." in texts(assistant_messages(app)[0])


def test_sending_feedback_without_a_rating_or_comment_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIKEQA_DATA_DIR", str(tmp_path))
    app = ask(start_app(), "Why are they striking?")
    app.button[-1].click().run()
    assert not (tmp_path / "feedback.jsonl").exists()
    assert any("Choose" in text for text in texts(assistant_messages(app)[0]))


def test_a_crisis_message_shows_988_before_anything_else():
    app = ask(start_app(), "I want to hurt myself")
    first = leaves(assistant_messages(app)[0])[0]
    assert first.type == "error"
    assert "**988**" in first.value


def test_a_crisis_message_with_a_strike_question_repeats_988_after_the_answer():
    app = ask(start_app(), "I want to hurt myself. Will my appointment be affected?")
    elements = leaves(assistant_messages(app)[0])
    errors = [i for i, element in enumerate(elements) if element.type == "error"]
    assert errors[0] == 0 and len(errors) == 2, "988 first, and again below the long answer"
    assert any("[1]" in text for text in texts(assistant_messages(app)[0]))
    assert "**988**" in elements[errors[1]].value


@pytest.mark.parametrize("typed", ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"])
def test_html_a_user_types_is_shown_as_text(typed):
    app = ask(start_app(), typed)
    [question] = [m for m in app.chat_message if m.name == "user"]
    [markdown] = markdown_of(question)
    assert unescaped(markdown) == typed
    assert "<" not in markdown.replace("\\<", ""), "every < is escaped, so no HTML can form"


def test_the_sidebar_lists_every_article_with_outlet_and_date(built_corpus):
    app = start_app()
    sidebar = " ".join(texts(app.sidebar))
    assert "Information as of Oct. 21, 2024" in sidebar and "Answer mode: extractive" in sidebar
    assert sidebar.count("undated") == sum(
        a.meta.published is None for a in built_corpus.state.articles
    )
    assert "Unnamed outlet" in sidebar and "LAist" in sidebar


def test_a_missing_index_is_built_with_progress_then_answers(
    tmp_path, monkeypatch, fresh_engine_cache
):
    monkeypatch.setenv("STRIKEQA_CHROMA_DIR", str(tmp_path / "chroma"))
    app = start_app()
    assert app.status[0].label.startswith("Index built")
    assert assistant_messages(ask(app, "Why are they striking?"))


def test_a_broken_index_is_explained_and_can_be_rebuilt(
    built_corpus, tmp_path, monkeypatch, fresh_engine_cache
):
    chroma_dir = tmp_path / "chroma"
    shutil.copytree(built_corpus.settings.chroma_dir, chroma_dir)
    broken = built_corpus.settings.model_copy(update={"chroma_dir": chroma_dir})
    store.write_state_text(store.open_client(broken), broken, "{not json")
    monkeypatch.setenv("STRIKEQA_CHROMA_DIR", str(chroma_dir))
    app = start_app()
    assert "index build --rebuild" in unescaped(app.error[0].value) and not app.chat_input
    app.button[0].click().run()
    assert not app.error and app.chat_input
