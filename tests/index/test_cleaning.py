"""clean_text on synthetic pages from site styles unlike the corpus: each line is KEEP or DROP."""

from __future__ import annotations

import pytest

from index.clean import clean_html, clean_text

KEEP, DROP = True, False

# (kept?, raw line). A kept bullet comes out without its bullet mark.
LOCAL_DAILY = [
    (DROP, "Skip to main content"),
    (DROP, "Home | News | Sports | Opinion | Obituaries | e-Edition"),
    (
        DROP,
        "We use cookies to improve your experience. By continuing, you accept our cookie policy.",
    ),
    (DROP, "Transit workers walk off the job in Riverside"),
    (DROP, "By Jane Doe, Staff Writer"),
    (DROP, "Updated March 3, 2025 at 7:15 a.m."),
    (
        KEEP,
        "Bus drivers with the Riverside Transit Agency walked off the job at dawn Tuesday "
        "after talks over wages broke down late Monday night.",
    ),
    (DROP, "A driver waves a sign outside the Riverside bus depot before sunrise on Tuesday."),
    (DROP, "A driver waves a sign outside the Riverside bus depot. (Jane Doe / Courier)"),
    (KEEP, "The union said drivers will picket from 5 a.m. to noon at the following depots:"),
    (KEEP, "• Downtown Depot, 1200 Main St., Riverside"),
    (KEEP, "• Moreno Valley Yard, 455 Alessandro Blvd."),
    (KEEP, "• Corona Transit Center, 501 Main St., Corona"),
    (DROP, "Most Popular"),
    (DROP, "City council approves new budget after marathon session"),
    (DROP, "Five things to do in Riverside this weekend"),
    (
        KEEP,
        "Agency spokesperson Ana Ruiz said about a third of routes would run on a reduced "
        "schedule during the strike.",
    ),
    (DROP, "Key points"),
    (KEEP, "- Drivers say split shifts leave them working 14-hour days with no overtime pay."),
    (KEEP, "- The agency says it has offered a 12% raise over three years."),
    (DROP, "- Sports"),
    (
        DROP,
        "Support local journalism. Your tax-deductible donation keeps the Courier free for all.",
    ),
    (DROP, "Donate today"),
    (DROP, "Read more: Why bus ridership is rebounding in the Inland Empire"),
    (DROP, "Advertisement"),
    (DROP, "Most Popular"),
    (DROP, "City council approves new budget after marathon session"),
    (DROP, "Five things to do in Riverside this weekend"),
    (DROP, "https://cdn.example.com/img/riverside-strike-2025.jpg"),
    (DROP, "© 2025 Daily Courier. All rights reserved."),
]

PUBLIC_RADIO = [
    (DROP, "Accept all cookies"),
    (DROP, "This site uses cookies to personalize content and analyze traffic on our site."),
    (DROP, "Menu"),
    (DROP, "Listen Live"),
    (DROP, "Nurses rally for safe staffing at county hospital"),
    (DROP, "Photo: Nurses march outside County General Hospital on Friday, Jan. 10."),
    (
        KEEP,
        "More than 300 nurses rallied outside County General Hospital on Friday, demanding "
        "that the county hire more staff for its emergency department.",
    ),
    (DROP, 'A nurse holds a sign reading "Safe staffing saves lives" outside the hospital'),
    (
        DROP,
        'A nurse holds a sign reading "Safe staffing saves lives" outside the hospital '
        "on Friday. Maria Lopez/KXYZ",
    ),
    (
        KEEP,
        "“We are running on empty,” said Dana Kim, a charge nurse in the emergency room. "
        "“Patients wait hours for a bed.”",
    ),
    (
        KEEP,
        "Picket lines went up at County General, Harbor-UCLA and Olive View-UCLA medical centers.",
    ),
    (KEEP, "The union will hold informational pickets at these hospitals:"),
    (KEEP, "  * County General Hospital, 1100 N. State St., Los Angeles"),
    (KEEP, "  * Harbor-UCLA Medical Center, 1000 W. Carson St., Torrance"),
    (KEEP, "  * Olive View-UCLA Medical Center, 14445 Olive View Dr., Sylmar"),
    (DROP, "What the nurses want"),
    (KEEP, "1. A nurse-to-patient ratio of one to four in the emergency department."),
    (KEEP, "2. Paid time for charting after their shifts end."),
    (DROP, "Sign up for our newsletter to get the latest headlines delivered to your inbox."),
    (DROP, "Your gift powers our nonprofit newsroom. Please donate now to keep KXYZ strong."),
    (DROP, "Share this: Facebook Twitter Email"),
    (DROP, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."),
    (DROP, "Copyright 2025 KXYZ Public Media. Privacy Policy | Terms of Use"),
]

PAGES = {"local daily": LOCAL_DAILY, "public radio": PUBLIC_RADIO}


def _stripped(line: str) -> str:
    """The line as clean_text returns it: whitespace collapsed, bullet mark removed."""
    words = line.split()
    return " ".join(words[1:] if words[0] in {"•", "*", "-", "1.", "2."} else words)


@pytest.mark.parametrize("lines", PAGES.values(), ids=PAGES.keys())
def test_clean_text_keeps_article_lines_and_drops_page_furniture(lines):
    page = "\n".join(line for _, line in lines)

    kept = clean_text(page).split("\n\n")

    assert kept == [_stripped(line) for keep, line in lines if keep]


def test_blank_lines_between_a_colon_and_its_list_do_not_end_the_list():
    lead_in = "Members will picket from 6 a.m. to noon at two sites:"
    page = f"{lead_in}\n\n• 12 Oak St., Fresno\n\n• 9 Elm Ave., Clovis\n"

    assert clean_text(page).split("\n\n") == [lead_in, "12 Oak St., Fresno", "9 Elm Ave., Clovis"]


def test_a_short_bullet_without_a_colon_lead_in_is_dropped_as_a_menu_item():
    page = "Sections\n• Home\n• Business\n• Health care workers\n"

    assert clean_text(page) == ""


def test_a_page_that_is_only_boilerplate_cleans_to_nothing():
    page = "\n".join(line for keep, line in PUBLIC_RADIO if not keep)

    assert clean_text(page) == ""


def test_clean_html_keeps_the_article_and_drops_its_navigation():
    html = """<!doctype html><html><head><title>Strike</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/donate">Donate</a></nav>
    <article><h1>Pharmacists strike in Oakland</h1>
    <p>Pharmacists at three Oakland clinics went on strike Wednesday over staffing levels.</p>
    <p>The union said the walkout would last two days and that patients could pick up
    prescriptions at other clinics in the meantime.</p></article>
    <footer>Subscribe to our newsletter. All rights reserved.</footer></body></html>"""

    assert clean_html(html).split("\n\n") == [
        "Pharmacists at three Oakland clinics went on strike Wednesday over staffing levels.",
        "The union said the walkout would last two days and that patients could pick up "
        "prescriptions at other clinics in the meantime.",
    ]
