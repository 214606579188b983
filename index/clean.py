"""Boilerplate removal: raw page text -> the article's own paragraphs, by general line heuristics.

No per-site rules. A line is kept when it reads like article prose (long enough, ordinary English
function words, ends like a sentence) or is a list item that is prose or is introduced by a
sentence ending in a colon. Lines repeated on the page, link/image/credit lines, alt-text +
caption pairs and fundraising/legal/call-to-action lines are dropped. HTML input goes through
trafilatura first. Limit: a non-English article keeps only its bulleted prose-like lines.
"""

from __future__ import annotations

import re
from collections import Counter

import trafilatura

_FUNCTION_WORDS = (
    "a an the of to in on at for and or but with by from as is are was were be been has have had "
    "that this it its their they she he we our you your who which not can will would said says "
    "than more about after over into them him his her me my i us no so if up out all any some "
    "there then when what where why how while during under before between because could should "
    "may might must do does did just also only these those each per being both"
)
STOPWORDS = frozenset(_FUNCTION_WORDS.split())
PROMO_PATTERNS = re.compile(
    r"donat|tax-deductible|newsroom|subscribe|register now|all rights reserved|trademark|"
    r"privacy policy|terms of use|newsletter|sign up|sponsored|advertis|member drive|"
    r"cookie|year-end gift",
    re.IGNORECASE,
)
CREDIT_PATTERN = re.compile(r"\b(AP Photo|Getty Images|Photo by|Courtesy)\b|^\(?\s*Photo:", re.I)
URL_PATTERN = re.compile(r"^\S*(https?://|www\.)\S*$")
BULLET_PATTERN = re.compile(r"^\s*([•*\-–·▪]|\d+[.)])\s+")
TERMINAL_PATTERN = re.compile(r"[.!?…:][\"'”’)\]]*$")
WORD_PATTERN = re.compile(r"[A-Za-z’']+")
MIN_PROSE_WORDS = 8
MIN_BULLET_WORDS = 6
MIN_STOPWORD_RATIO = 0.10  # 0.15 dropped name-heavy facts ("Picket lines went up ... counties.")
CAPTION_PREFIX_WORDS = 6


def clean_text(raw: str) -> str:
    """The article's paragraphs from a raw page dump, joined by blank lines."""
    lines = [_normalize_line(line) for line in raw.splitlines()]
    dropped = _repeated_lines(lines) | _caption_pairs(lines)
    kept: list[str] = []
    after_colon = False
    for index, line in enumerate(lines):
        if not line:
            continue  # blank lines neither end a list nor start one
        keep = index not in dropped and _is_content(line, after_colon)
        if keep:
            kept.append(_strip_bullet(line))
        after_colon = (keep and line.endswith(":")) or (after_colon and keep and _is_bullet(line))
    return "\n\n".join(kept)


def clean_html(html: str) -> str:
    """Main text of an HTML page (trafilatura), then the same line heuristics."""
    extracted = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    return clean_text(extracted)


def _normalize_line(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace("\x00", "")).strip()


def _words(line: str) -> list[str]:
    return WORD_PATTERN.findall(line.lower())


def _is_bullet(line: str) -> bool:
    return bool(BULLET_PATTERN.match(line))


def _strip_bullet(line: str) -> str:
    return BULLET_PATTERN.sub("", line, count=1)


def _reads_as_prose(line: str, min_words: int) -> bool:
    words = _words(line)
    if len(words) < min_words:
        return False
    return sum(word in STOPWORDS for word in words) / len(words) >= MIN_STOPWORD_RATIO


def _is_noise(line: str) -> bool:
    return (
        not line
        or bool(URL_PATTERN.match(line))
        or bool(CREDIT_PATTERN.search(line))
        or bool(PROMO_PATTERNS.search(line))
    )


def _is_content(line: str, after_colon: bool) -> bool:
    if _is_noise(line):
        return False
    if _is_bullet(line):
        return after_colon or _reads_as_prose(_strip_bullet(line), MIN_BULLET_WORDS)
    return _reads_as_prose(line, MIN_PROSE_WORDS) and bool(TERMINAL_PATTERN.search(line))


def _repeated_lines(lines: list[str]) -> set[int]:
    """Lines that occur more than once on the page: menus, teasers, lorem ipsum, bylines."""
    counts = Counter(line.lower() for line in lines if line)
    return {i for i, line in enumerate(lines) if line and counts[line.lower()] > 1}


def _caption_pairs(lines: list[str]) -> set[int]:
    """An image's alt text and its caption: nearby lines that open with the same words."""
    dropped: set[int] = set()
    nonblank = [i for i, line in enumerate(lines) if line]
    for a, b in zip(nonblank, nonblank[1:], strict=False):
        head_a = _words(lines[a])[:CAPTION_PREFIX_WORDS]
        if (
            len(head_a) == CAPTION_PREFIX_WORDS
            and head_a == _words(lines[b])[:CAPTION_PREFIX_WORDS]
        ):
            dropped.update((a, b))
    return dropped
