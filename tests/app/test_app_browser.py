"""The real thing: `streamlit run app.py` on loopback, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from browser_support import CHROMIUM, REPO_ROOT, chromium_browser, streamlit_app

from rag.engine import build_engine
from rag.settings import Settings

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
ANSWER_TIMEOUT_MS = 90_000  # the first answer also loads the model and opens the index
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
XSS_INPUTS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
MARKDOWN_INPUT = "**bold** $x^2$ :red[red] [link](javascript:alert(1)) <b>b</b>"

if not CHROMIUM.exists():
    pytest.skip("install Debian's chromium: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def app_url(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` as a patient would get it, on a free loopback port."""
    env = {**os.environ, **app_env, "HF_HUB_OFFLINE": "1"}
    with streamlit_app(env, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def expected_quote(built_corpus, embedder) -> str:
    """What [1] of the appointment answer quotes, straight from the engine the app wraps."""
    settings = Settings(
        chroma_dir=built_corpus.settings.chroma_dir, articles_dir=built_corpus.settings.articles_dir
    )
    answer = build_engine(settings, embedder).answer("Will my appointment be affected?", [])
    return answer.citations[0].quote


def open_chat(browser: Browser, url: str, viewport: dict[str, int], dialogs: list[str]) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    return page


def send(page: Page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")


def wait_for_answers(page: Page, count: int) -> None:
    """`count` finished turns: each ends with its own feedback form once fully rendered."""
    expect(page.get_by_role("button", name="Send feedback")).to_have_count(
        count, timeout=ANSWER_TIMEOUT_MS
    )
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)


def messages(page: Page, role: str):
    """The content (not the avatar) of each message from `role` ("User" or "Assistant")."""
    by_role = page.get_by_test_id("stChatMessage").filter(
        has=page.get_by_test_id(f"stChatMessageAvatar{role}")
    )
    return by_role.get_by_test_id("stChatMessageContent")


def screenshot(page: Page, name: str) -> None:
    """The newest message in view (Streamlit scrolls an inner pane, not the page)."""
    page.get_by_test_id("stChatMessage").last.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def overflows_horizontally(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_a_patient_asks_checks_a_source_and_follows_up(browser, app_url, expected_quote):
    dialogs: list[str] = []
    page = open_chat(browser, app_url, DESKTOP, dialogs)
    send(page, "Will my appointment be affected?")
    wait_for_answers(page, 1)
    answer = messages(page, "Assistant").first
    expect(answer).to_contain_text("[1]")
    expect(answer).to_contain_text(" ".join(expected_quote.split()))
    expect(page.get_by_text("not medical advice").first).to_be_visible()
    page.get_by_test_id("stExpander").first.locator("summary").click()
    highlighted = page.get_by_test_id("stExpanderDetails").first.locator("strong").first
    expect(highlighted).to_have_text(" ".join(expected_quote.split()))
    screenshot(page, "desktop-answer")

    send(page, "Can I see a different therapist?")
    wait_for_answers(page, 2)
    for number, typed in enumerate(XSS_INPUTS, start=3):
        send(page, typed)
        wait_for_answers(page, number)
        expect(messages(page, "User").last).to_have_text(typed)
    screenshot(page, "desktop-conversation")
    assert dialogs == [], f"user input ran as script: {dialogs}"
    assert page.locator("img[src='x']").count() == 0
    assert not overflows_horizontally(page)


def test_the_chat_fits_a_phone_screen(browser, app_url):
    dialogs: list[str] = []
    page = open_chat(browser, app_url, PHONE, dialogs)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "phone-welcome.png")
    expect(page.get_by_role("button", name="Why are they striking?")).to_be_in_viewport()
    page.get_by_role("button", name="Will my appointment be affected?").click()
    wait_for_answers(page, 1)
    page.get_by_test_id("stExpander").first.locator("summary").click()
    expect(page.get_by_test_id("stExpanderDetails").first.locator("strong").first).to_be_visible()
    screenshot(page, "phone-answer")
    send(page, MARKDOWN_INPUT)
    wait_for_answers(page, 2)
    typed = messages(page, "User").last
    expect(typed).to_have_text(MARKDOWN_INPUT)
    assert typed.locator("a, strong, b, .katex").count() == 0, "typed Markdown is not rendered"
    box = page.get_by_test_id("stChatInputTextArea").bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"], "the question box stays on screen"
    assert not overflows_horizontally(page)
    screenshot(page, "phone-conversation")
    assert dialogs == []


def test_two_patients_at_once_keep_separate_conversations(browser, app_url):
    first = open_chat(browser, app_url, DESKTOP, [])
    second = open_chat(browser, app_url, PHONE, [])
    send(first, "Why are they striking?")
    send(second, "Where are the picket lines?")
    wait_for_answers(first, 1)
    wait_for_answers(second, 1)
    expect(messages(first, "User")).to_have_text(["Why are they striking?"])
    expect(messages(second, "User")).to_have_text(["Where are the picket lines?"])
    send(first, "How many workers are on strike?")
    wait_for_answers(first, 2)
    expect(messages(first, "User")).to_have_count(2)
    expect(messages(second, "User")).to_have_text(["Where are the picket lines?"])
