"""Citations as data: build them from chunks, parse `[n]` markers, and verify the two agree."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from index.types import Article
from rag.types import Answer, Citation, RetrievedChunk, SourceInfo

MARKER = re.compile(r"\[(\d{1,3})\]")
AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def citation_for(n: int, hit: RetrievedChunk, also_in: tuple[SourceInfo, ...]) -> Citation:
    source, chunk = hit.source, hit.chunk
    return Citation(
        n=n,
        article_id=source.article_id,
        source_file=source.source_file,
        outlet=source.outlet,
        title=source.title,
        published=source.published,
        quote=chunk.text,
        start=chunk.start,
        end=chunk.end,
        also_in=also_in,
    )


def cited_numbers(text: str) -> list[int]:
    return [int(n) for n in MARKER.findall(text)]


def verify_citations(answer: Answer, articles: Mapping[str, Article]) -> list[str]:
    """Problems found; empty means every [n] resolves and every quote is verbatim at its offsets."""
    problems: list[str] = []
    numbers = {c.n for c in answer.citations}
    problems += [
        f"[{n}] has no citation" for n in sorted(set(cited_numbers(answer.text)) - numbers)
    ]
    problems += [
        f"citation {n} is never cited in the text"
        for n in sorted(numbers - set(cited_numbers(answer.text)))
    ]
    for citation in answer.citations:
        article = articles.get(citation.article_id)
        if article is None or article.text[citation.start : citation.end] != citation.quote:
            problems.append(
                f"citation {citation.n}: quote is not at {citation.article_id}[{citation.start}:{citation.end}]"
            )
    return problems


def format_date(day: date) -> str:
    """AP style, as the articles write it: Oct. 21, 2024."""
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


def dating_line(citations: Sequence[Citation]) -> str:
    """Which reporting the answer rests on; undated sources are called undated, never guessed."""
    dates = sorted({c.published for c in citations if c.published})
    undated = any(c.published is None for c in citations)
    if not dates:
        return "Based on undated reporting (the articles cited do not give a publication date)."
    when = " and ".join(format_date(d) for d in dates)
    return f"Based on reporting from {when}" + (" and undated articles." if undated else ".")


def source_label(source: SourceInfo | Citation) -> str:
    """How a reader names a source: outlet (or its headline) and date, or what is known of it."""
    name = source.outlet or (f"“{source.title}”" if source.title else "an unnamed outlet")
    return f"{name}, {format_date(source.published) if source.published else 'undated'}"
