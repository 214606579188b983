"""Writing the answer: chosen sentences -> text with [n] markers, citations, copies, dates, caveats."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag import cite
from rag.corpus import Corpus
from rag.types import Answer, Citation, RetrievedChunk

PRESENT = re.compile(
    r"\b(still|now|today|tonight|currently|current|right now|latest|yet|anymore|this week|tomorrow|ongoing|going on)\b",
    re.I,
)
SPEAKER = re.compile(
    r"((?:[A-Z][\w’'-]+ ){0,3}[A-Z][\w’'-]+|[Tt]he union|Kaiser(?: officials)?|[Aa] Kaiser spokesperson|[Tt]he spokesperson) (?:said|says|told|stated)"
)
REFUSAL = (
    "The articles I have don't say. They cover the October 2024 strike by Kaiser Permanente mental "
    "health workers in Southern California: who went on strike and why, where the picket lines were, "
    "and what Kaiser told patients about appointments. For anything about your own care, coverage or "
    "costs, please ask your Kaiser care team or Kaiser Member Services (the number is on your member card)."
)
OUT_OF_DATE = (
    "These articles are from around October 2024 and may be out of date; for the latest, check with "
    "Kaiser directly (the number on your member card) or your care team."
)
FIGURES_DIFFER = "Reports give different figures:"


def refusal(question: str) -> Answer:
    return Answer(
        question=question, text=REFUSAL, citations=(), refused=True, safety=None, mode="extractive"
    )


def compose_answer(
    question: str, hits: Sequence[RetrievedChunk], corpus: Corpus, figures_differ: bool = False
) -> Answer:
    citations = [
        cite.citation_for(n, hit, corpus.other_copies(hit)) for n, hit in enumerate(hits, start=1)
    ]
    body = " ".join(
        f"{_speaker_prefix(hit, corpus)}{hit.chunk.text} [{n}]"
        for n, hit in enumerate(hits, start=1)
    )
    if figures_differ and len({c.article_id for c in citations}) > 1:
        body = f"{FIGURES_DIFFER} {body}"
    lines = [body, *_copies_lines(citations), cite.dating_line(citations)]
    if PRESENT.search(question):
        lines.append(OUT_OF_DATE)
    return Answer(
        question,
        "\n\n".join(lines),
        tuple(citations),
        refused=False,
        safety=None,
        mode="extractive",
    )


def _speaker_prefix(hit: RetrievedChunk, corpus: Corpus) -> str:
    """A bare quotation gets its speaker from the text before it, so claims stay attributed."""
    text = hit.chunk.text
    if (
        not text.startswith(("“", '"'))
        or SPEAKER.search(text)
        or re.search(r"the statement (read|said)", text)
    ):
        return ""
    before = corpus.articles[hit.chunk.article_id].text[
        max(0, hit.chunk.start - 400) : hit.chunk.start
    ]
    speakers = SPEAKER.findall(before)
    return f"{speakers[-1].strip()} said: " if speakers else ""


def _copies_lines(citations: Sequence[Citation]) -> list[str]:
    """One line per set of other outlets: "[1] [2] also reported by: …"."""
    by_names: dict[str, list[int]] = {}
    for citation in citations:
        if citation.also_in:
            names = "; ".join(sorted({cite.source_label(s) for s in citation.also_in}))
            by_names.setdefault(names, []).append(citation.n)
    return [
        f"{' '.join(f'[{n}]' for n in ns)} also reported by: {names}."
        for names, ns in by_names.items()
    ]
