"""Sentence-aware chunking: cleaned article text -> Chunks whose [start:end] slice is their text.

Sentences end at . ! ? … (plus closing quotes) followed by space and a capital, digit or quote,
except after a known abbreviation or inside an open “…” quotation, so a quote stays with its
speaker. Each paragraph line is at least one sentence (list items have no full stop).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.types import Article, Chunk

_ABBREVIATED_WORDS = (
    "sen rep gov dr mr mrs ms st ave blvd rd jan feb mar apr jun jul aug sept sep oct nov dec "
    "a.m p.m u.s calif inc co corp no vs e.g i.e jr sr mt ft"
)
ABBREVIATIONS = frozenset(_ABBREVIATED_WORDS.split())
BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘'(A-Z0-9])")
PARAGRAPH = re.compile(r"[^\n]+")
# `“…?” Durazo said.`: a quotation's speaker stays in the quotation's sentence
ATTRIBUTION_TAIL = re.compile(
    r"\s+(?:[A-Z][\w’'.-]*\s+){0,3}(?:said|says|stated|noted|added|wrote)[.,]"
)
MAX_SENTENCE_CHARS = 1000  # a run-on "sentence" (no full stops) is cut at spaces beyond this


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence in `text`, paragraphs never crossed."""
    for paragraph in PARAGRAPH.finditer(text):
        yield from _paragraph_sentences(text, paragraph.start(), paragraph.end())


def chunk_article(article: Article, sentences_per_chunk: int = 1) -> tuple[Chunk, ...]:
    """Consecutive runs of up to `sentences_per_chunk` sentences, never across paragraphs."""
    spans = list(sentence_spans(article.text))
    groups = _group_within_paragraphs(article.text, spans, sentences_per_chunk)
    return tuple(
        Chunk(
            chunk_id=f"{article.article_id}#{ordinal:03d}",
            article_id=article.article_id,
            text=article.text[start:end],
            start=start,
            end=end,
        )
        for ordinal, (start, end) in enumerate(groups)
    )


def _paragraph_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    sentence_start = start
    for match in BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text, sentence_start, match.start()):
            continue
        if _inside_quotation(text[sentence_start : match.end()]):
            continue
        if ATTRIBUTION_TAIL.match(text, match.end(), end):
            continue
        yield from _bounded(text, *_trimmed(text, sentence_start, match.end()))
        sentence_start = match.end()
    if text[sentence_start:end].strip():
        yield from _bounded(text, *_trimmed(text, sentence_start, end))


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentence, cut at whitespace into pieces of at most MAX_SENTENCE_CHARS."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield _trimmed(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    token = text[sentence_start:dot].rsplit(maxsplit=1)[-1:] or [""]
    word = token[0].lower().lstrip("(“\"'")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _inside_quotation(sentence: str) -> bool:
    return sentence.count("“") > sentence.count("”")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _group_within_paragraphs(
    text: str, spans: list[tuple[int, int]], size: int
) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for span in spans:
        if run and ("\n" in text[run[-1][1] : span[0]] or len(run) == size):
            groups.append((run[0][0], run[-1][1]))
            run = []
        run.append(span)
    if run:
        groups.append((run[0][0], run[-1][1]))
    return groups
