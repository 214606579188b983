"""The Streamlit chat: each question goes through Engine.answer and is shown with checkable sources.

Streamlit only: widgets, session state, rendering. Untrusted text (user input, answers, article
text, quotes) is always passed through `escape_markdown` before display; no raw HTML anywhere.
The engine is loaded once per process; each browser session keeps its own conversation.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from rag.cite import format_date, source_label
from rag.settings import Settings
from rag.types import Answer, Citation, SourceInfo

if TYPE_CHECKING:  # torch, llama-index and chromadb load inside the functions that need them,
    from index.store import IndexUnavailable  # so the page is on screen while they import
    from rag.engine import Engine

log = logging.getLogger("strikeqa.app")
STARTERS = (
    "Will my appointment be affected?",
    "Can I see a different therapist?",
    "Where are the picket lines?",
    "Why are they striking?",
)
RATINGS = ("down", "up")  # st.feedback("thumbs") returns 0 for thumbs down, 1 for thumbs up
MODES = {
    "extractive": "quotes sentences from the articles",
    "llm": "a language model, checked against the articles",
}
# Every ASCII character Markdown, Streamlit directives (:red[...]), LaTeX ($) or HTML could act on.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&=^\"'])")
TRUSTED_BOLD = re.compile(r"\\\*\\\*([\w ]{1,40})\\\*\\\*")  # **988** in the fixed safety replies
SAFE_URL = re.compile(r"https?://[^\s()<>\[\]\"'\\]+")


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    answer: Answer


@dataclass(frozen=True, slots=True)
class CitedQuote:
    n: int
    source_file: str
    quote: str


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """One feedback line: what was asked, answered and rated; nothing about the person."""

    question: str
    answer: str
    citations: tuple[CitedQuote, ...]
    rating: str | None  # "up" | "down" | None (a comment alone)
    comment: str
    ts: str


# --- safe text -------------------------------------------------------------------------------


TYPOGRAPHY = re.compile(r"-{2,}|->|<-")


def escape_markdown(text: str) -> str:
    """Text Streamlit's Markdown shows literally: no HTML, LaTeX, directives, lists or [links]().

    Bare https:// URLs still become links (GFM autolinks are found after escapes are resolved);
    they open in a new tab and cannot run script. Streamlit's typography turns "--", "->" and "<-"
    into a dash and arrows even when escaped, so a word joiner (invisible) keeps them apart."""
    apart = TYPOGRAPHY.sub(lambda m: "\u2060".join(m.group(0)), text)
    return MARKDOWN_SPECIAL.sub(r"\\\1", apart)


def answer_markdown(text: str) -> str:
    """An answer escaped, keeping only short **bold** (the fixed safety replies' 988 / 911)."""
    return TRUSTED_BOLD.sub(r"**\1**", escape_markdown(text))


def user_markdown(text: str) -> str:
    return escape_markdown(text).replace("\n", "  \n")


def quote_in_context(article_text: str, citation: Citation) -> str:
    """The paragraph around the quote, escaped, with the quote itself highlighted and bold."""
    start, end = citation.start, citation.end
    begin = article_text.rfind("\n\n", 0, start)
    begin = 0 if begin < 0 else begin + 2
    finish = article_text.find("\n\n", end)
    finish = len(article_text) if finish < 0 else finish
    parts = (article_text[begin:start], article_text[start:end], article_text[end:finish])
    before, quote, after = (escape_markdown(" ".join(part.split())) for part in parts)
    return f"{before} :orange-background[**{quote}**] {after}".strip()


# --- engine and index ------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def embedder_for(model_name: str, cache_dir: Path):
    from index.embed import load_embedder

    return load_embedder(model_name, cache_dir)


@st.cache_resource(show_spinner=False)
def load_engine() -> Engine:
    from rag.engine import build_engine

    settings = Settings()
    return build_engine(settings, embedder_for(settings.embed_model, settings.model_cache_dir))


def ready_engine() -> Engine:
    """The process-wide engine; a missing index is built (with progress), a broken one explained."""
    from index.store import IndexUnavailable

    try:
        return load_engine()
    except IndexUnavailable as error:
        problem = error
    settings = Settings()
    if index_missing(settings) and build_with_progress(settings, rebuild=False):
        try:
            return load_engine()
        except IndexUnavailable as error:
            problem = error
    show_broken_index(settings, problem)
    st.stop()


def index_missing(settings: Settings) -> bool:
    """True when no build has completed yet (as opposed to an index that exists but is unusable)."""
    from index.store import IndexUnavailable, open_client, read_state

    try:
        return read_state(open_client(settings), settings) is None
    except IndexUnavailable:
        return False


def build_with_progress(settings: Settings, rebuild: bool) -> bool:
    from index.build import BuildRefused, build_index

    with st.status("Building the article index (needed once)…", expanded=True) as status:
        try:
            summary = build_index(
                settings,
                embedder_for(settings.embed_model, settings.model_cache_dir),
                rebuild=rebuild,
                progress=progress_bar,
            )
        except BuildRefused as refused:
            status.update(label="The article index could not be built", state="error")
            st.write(escape_markdown(str(refused)))
            return False
        status.update(
            label=f"Index built: {summary.articles} articles", state="complete", expanded=False
        )
    return True


def progress_bar(batches: Sequence) -> Iterator:
    bar = st.progress(0.0, text="Reading the articles…")
    for done, batch in enumerate(batches, start=1):
        yield batch
        bar.progress(
            done / len(batches), text=f"Indexed {done} of {len(batches)} batches of passages"
        )


def show_broken_index(settings: Settings, error: IndexUnavailable) -> None:
    st.error(f"The article index can't be used: {escape_markdown(str(error))}")
    rebuild = st.button("Rebuild the index", type="primary")
    if rebuild and build_with_progress(settings, rebuild=True):
        st.rerun()


# --- page ------------------------------------------------------------------------------------


def as_of(sources: Sequence[SourceInfo]) -> str:
    dates = [s.published for s in sources if s.published]
    return format_date(max(dates)) if dates else "an unknown date (the articles are undated)"


def notice_text(sources: Sequence[SourceInfo]) -> str:
    undated = sum(s.published is None for s in sources)
    dated = f"newest dated {as_of(sources)}" + (f"; {undated} undated" if undated else "")
    return (
        f"Answers are generated automatically from {len(sources)} news articles ({dated}) and "
        "may be incomplete. They are not medical advice. To reach a person: your Kaiser care "
        "team (number on your member card); in a crisis call or text **988**; in an emergency "
        "call **911**."
    )


def footer_text(sources: Sequence[SourceInfo] | None) -> str:
    """The notice in brief, pinned above the question box on every screen (even while loading)."""
    news = f"news up to {as_of(sources)}" if sources else "news reports"
    return (
        f"Automated answers from {news}, not medical advice. "
        "Help: your Kaiser care team · crisis 988 · emergency 911"
    )


def show_sidebar(engine: Engine) -> None:
    with st.sidebar:
        st.header("What I know")
        mode = engine.settings.answer_mode
        st.caption(
            f"Information as of {as_of(engine.sources)}. "
            f"Answer mode: {mode} ({MODES.get(mode, 'unknown')})."
        )
        for source in engine.sources:
            st.markdown(source_entry(source))


def source_entry(source: SourceInfo) -> str:
    title = escape_markdown(source.title or "Untitled article")
    linked = f"[{title}]({source.url})" if source.url and SAFE_URL.fullmatch(source.url) else title
    when = format_date(source.published) if source.published else "undated"
    return f"**{escape_markdown(source.outlet or 'Unnamed outlet')}** · {when}  \n{linked}"


def show_starters() -> None:
    st.caption("Try one of these:")
    with st.container(horizontal=True, gap="small"):
        for number, question in enumerate(STARTERS):
            st.button(question, key=f"starter-{number}", on_click=choose_starter, args=(question,))


def choose_starter(question: str) -> None:
    st.session_state.starter = question


# --- one turn --------------------------------------------------------------------------------


def ask(engine: Engine, question: str, turns: list[Turn]) -> None:
    with st.chat_message("user"):
        st.markdown(user_markdown(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Checking the articles…"):
                answer = engine.answer(question, [turn.question for turn in turns])
        except Exception:  # a failed turn must still leave the patient somewhere to go
            log.exception("answering failed")
            st.error(
                "Sorry, something went wrong while answering. Please try again. "
                "If you need help now, call or text **988**, or call **911** in an emergency."
            )
            return
        turns.append(Turn(question, answer))
        show_answer(engine, len(turns) - 1, turns[-1])


def show_turn(engine: Engine, index: int, turn: Turn) -> None:
    with st.chat_message("user"):
        st.markdown(user_markdown(turn.question))
    with st.chat_message("assistant"):
        show_answer(engine, index, turn)


def show_answer(engine: Engine, index: int, turn: Turn) -> None:
    """Crisis help first, then any notice, the answer with [n] markers, its sources, feedback."""
    answer = turn.answer
    blocks = answer.text.split("\n\n")
    if answer.safety == "crisis":
        st.error(answer_markdown(blocks.pop(0)), icon="🆘")
    elif answer.safety == "medical_advice":
        st.warning(answer_markdown(blocks.pop(0)), icon="⚕️")
    if answer.notice:
        st.info(escape_markdown(answer.notice))
    if blocks:
        st.markdown(answer_markdown("\n\n".join(blocks)))
    show_sources(engine, index, answer.citations)
    if answer.safety == "crisis" and blocks:  # the chat scrolls to a long answer's end: repeat it
        st.error("Please reach out now: call or text **988**, or call **911** in an emergency.")
    show_feedback(index, turn)


def show_sources(engine: Engine, index: int, citations: Sequence[Citation]) -> None:
    for citation in citations:
        with st.expander(
            escape_markdown(f"[{citation.n}] {source_label(citation)}"),
            key=f"source-{index}-{citation.n}",
        ):
            st.caption(escape_markdown(citation.title or "Untitled article"))
            article = engine.articles.get(citation.article_id)
            st.markdown(
                quote_in_context(article.text, citation)
                if article
                else f"**{escape_markdown(citation.quote)}**"
            )
            if citation.also_in:
                also = "; ".join(source_label(source) for source in citation.also_in)
                st.caption(escape_markdown(f"Also reported by {also}"))


# --- feedback --------------------------------------------------------------------------------


def show_feedback(index: int, turn: Turn) -> None:
    if index in st.session_state.setdefault("feedback_sent", set()):
        st.caption("Thanks for your feedback.")
        return
    with (
        st.form(f"feedback-{index}", border=False),
        st.container(horizontal=True, vertical_alignment="bottom"),
    ):
        st.feedback("thumbs", key=f"rating-{index}")
        st.text_input(
            "Comment (optional)",
            key=f"comment-{index}",
            max_chars=1000,
            placeholder="Comment (optional)",
            label_visibility="collapsed",
            width=220,
        )
        st.form_submit_button("Send feedback", on_click=send_feedback, args=(index, turn))
    if st.session_state.get(f"feedback-empty-{index}"):
        st.caption("Choose 👍 or 👎, or write a comment, then send.")


def send_feedback(index: int, turn: Turn) -> None:
    rating = st.session_state.get(f"rating-{index}")
    comment = (st.session_state.get(f"comment-{index}") or "").strip()
    if rating is None and not comment:
        st.session_state[f"feedback-empty-{index}"] = True
        return
    append_feedback(feedback_path(), feedback_record(turn, rating, comment))
    st.session_state.feedback_sent.add(index)


def feedback_record(turn: Turn, rating: int | None, comment: str) -> FeedbackRecord:
    return FeedbackRecord(
        question=turn.question,
        answer=turn.answer.text,
        citations=tuple(CitedQuote(c.n, c.source_file, c.quote) for c in turn.answer.citations),
        rating=None if rating is None else RATINGS[rating],
        comment=comment,
        ts=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def feedback_path() -> Path:
    """Read at write time, so STRIKEQA_DATA_DIR applies without reloading the cached engine."""
    settings = Settings()
    return settings.data_dir / settings.feedback_file


def append_feedback(path: Path, record: FeedbackRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:  # one write per line: O_APPEND keeps lines whole
        file.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")


# --- script ----------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="Kaiser strike questions", page_icon="💬", layout="centered")
    st.subheader("Questions about the Kaiser mental health strike")
    st.markdown(
        "Ask me about the October 2024 strike by Kaiser Permanente mental health workers in "
        "Southern California: appointments, therapists, picket lines, why workers walked out. "
        "I answer only from news reports, with a source for every claim."
    )
    with st.bottom:
        footer = st.empty()
    footer.caption(footer_text(None))  # crisis numbers on screen before the model has loaded
    with st.spinner("Loading the articles and the search model…"):
        engine = ready_engine()
    footer.caption(footer_text(engine.sources))
    show_sidebar(engine)
    with st.bottom:
        typed = st.chat_input(
            "Ask about the strike…",
            submit_mode="disable",
            max_chars=engine.settings.max_question_chars,
        )
    question = typed or st.session_state.pop("starter", None)
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    if not turns and not question:
        show_starters()  # above the notice, so a phone shows them without scrolling
    st.info(notice_text(engine.sources), icon="ℹ️")
    for index, turn in enumerate(turns):
        show_turn(engine, index, turn)
    if question:
        ask(engine, question, turns)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
