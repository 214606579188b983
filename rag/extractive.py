"""The extractive answerer: question + retrieved chunks -> an Answer made of verbatim, cited sentences.

Choosing: each candidate sentence is scored by closeness to the question (embedding cosine), how
many of the question's terms it holds, its fused retrieval rank, and whether it holds the kind of
thing asked for (an address for "where", a time for "when", a figure for "how many"). The best
leads; the sentence continuing its quotation follows it; a few more are added only if they say
something new, supply a part of the question not yet answered, or give another source's figure
for the same thing. Copies of one story are cited once, from the preferred (dated) article.
Refusing: see coverage.py; plus a "how many" question whose evidence holds no figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import Stemmer

from rag import safety
from rag.compose import compose_answer, refusal
from rag.corpus import THOUSANDS, Corpus, alternatives, stems, term_share
from rag.coverage import judge_coverage
from rag.listing import with_lists
from rag.query import STOPWORDS, WORD, PreparedQuestion
from rag.retrieve import HybridRetriever
from rag.settings import Settings
from rag.types import Answer, RetrievedChunk

STEMMER = Stemmer.Stemmer("english")
ADDRESS = re.compile(
    r"\b\d{2,5} (?:[A-Z][a-z]+ ){1,4}(?:Ave|Blvd|St|Rd|Dr|Way|Road|Street|Avenue|Boulevard)\b|\b[A-Z][a-z]+-based\b"
)
TIME = re.compile(
    r"\b\d{1,2}(:\d\d)? ?[ap]\.?m\.?|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\w*\.? \d{1,2}\b|\b(19|20)\d\d\b|\bweek|open-ended|indefinite",
    re.I,
)
FIGURE = re.compile(r"\d")
CLOCK = re.compile(r"\b\d{1,2}(:\d\d)? ?[ap]\.?m\b", re.I)
PERSON_OR_ORG = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z-]+\b|\bunion\b|\bKaiser\b")
ASKS = {
    "where": (
        re.compile(r"\b(where|address|location|locations|located|site|sites|based)\b", re.I),
        ADDRESS,
    ),
    "when": (
        re.compile(
            r"\b(when|what time|hours?|schedule|date|what day|which day|start|began|begin|how long)\b",
            re.I,
        ),
        TIME,
    ),
    "clock": (
        re.compile(r"\b(what time|hours?|open|close|start|starts|begin|end|ends|until)\b", re.I),
        CLOCK,
    ),
    "based": (
        re.compile(r"\b(based|headquarter\w*)\b", re.I),
        re.compile(r"-based\b|headquarter", re.I),
    ),
    "how_many": (
        re.compile(r"\b(how many|how much|number|numbers|percent|figure)\b", re.I),
        FIGURE,
    ),
    "who": (re.compile(r"\b(who|whom)\b", re.I), PERSON_OR_ORG),
}
PARTIES = ("kaiser", "union", "workers", "therapists")
ACTOR_QUESTION = re.compile(
    r"\b(?:does|did|do|is|are|was|were)\s+(?:the\s+)?(kaiser|union|workers|therapists)\s+(?:actually\s+|really\s+)?(?:want|offer|offering|propose|proposing|demand|say|saying|think|claim|ask|asking)",
    re.I,
)
SUBJECT = re.compile(
    r"^([^“\"]{0,120}?)\b(?:said|says|called|deemed|claimed|told|alleging|insisting|proposing|proposed|offered)\b"
)
SPEAKER_WEIGHT = 0.1
COUNT_WINDOW = 8  # words between a figure and the thing it counts
SPECIFIC_IDF = 1.5  # terms rarer than this name something specific (not "kaiser", "strike")
STRONG_SHARE = 0.8  # an extra sentence must score this close to the lead
SAME_THING = 0.8  # cosine at which two sentences say the same thing


@dataclass(frozen=True, slots=True)
class Candidate:
    hit: RetrievedChunk
    score: float
    term_share: float
    kinds: frozenset[str]  # which asked-for kinds it holds ("where", "when", ...)


def answer_extractively(
    question: PreparedQuestion,
    hits: Sequence[RetrievedChunk],
    retriever: HybridRetriever,
    corpus: Corpus,
    settings: Settings,
) -> Answer:
    asked = asked_kinds(f"{question.text} {' '.join(question.own_terms)}")  # typos corrected
    if not judge_coverage(question, hits, corpus.idf, settings).covered:
        return refusal(question.text)
    candidates = _ranked(_candidates(question, hits, asked, corpus))
    if "how_many" in asked and not any("how_many" in c.kinds for c in candidates[:3]):
        return refusal(question.text)  # a count the articles never give
    chosen = _choose(candidates, question, asked, retriever, corpus, settings.max_answer_sentences)
    shown = with_lists(chosen, question.text, corpus)[: settings.max_answer_sentences]
    return compose_answer(question.text, shown, corpus, figures_differ="how_many" in asked)


def asked_kinds(text: str) -> frozenset[str]:
    return frozenset(kind for kind, (cue, _) in ASKS.items() if cue.search(text))


def _candidates(
    question: PreparedQuestion,
    hits: Sequence[RetrievedChunk],
    asked: frozenset[str],
    corpus: Corpus,
) -> list[Candidate]:
    top_fused = max((hit.score for hit in hits), default=1.0)
    focus = _count_focus(question.text, corpus)
    actor = _asked_actor(question.text)
    out = []
    for hit in map(corpus.canonical, _usable(hits)):
        share = term_share(question.terms, stems(hit.chunk.text))
        kinds = (
            frozenset(kind for kind in asked if _holds(kind, hit.chunk.text, focus))
            if share
            else frozenset()
        )
        dated = hit.source.published is not None
        score = (
            0.5 * hit.dense_score
            + 0.3 * share
            + 0.2 * hit.score / top_fused
            + 0.15 * len(kinds)
            + 0.03 * dated
            + SPEAKER_WEIGHT * _speaker_match(actor, hit.chunk.text)
        )
        out.append(Candidate(hit, score, share, kinds))
    return out


def _usable(hits: Sequence[RetrievedChunk]) -> list[RetrievedChunk]:
    """Article text is data: a sentence that reads as instructions to an assistant, or as a
    medication directive, is never offered to a patient as an answer."""
    return [
        h
        for h in hits
        if not (safety.INJECTION.search(h.chunk.text) or safety.MEDICAL.search(h.chunk.text))
    ]


def _asked_actor(question: str) -> str | None:
    """Whose position is asked about: "what does the union want" -> "union"."""
    match = ACTOR_QUESTION.search(question)
    return match.group(1).lower() if match else None


def _speaker_match(actor: str | None, text: str) -> int:
    """+1 when the asked-about party is the one speaking in the sentence, -1 when another party
    is, 0 when it can't tell: "what does the union want" is not answered by what Kaiser says
    the union wants."""
    if actor is None:
        return 0
    subject = SUBJECT.match(text)
    if subject is None:
        return 0
    speaking = {party for party in PARTIES if party in subject.group(1).lower()}
    if not speaking:
        return 0
    return 1 if actor in speaking else -1


def _holds(kind: str, text: str, focus: frozenset[str]) -> bool:
    """Whether a sentence holds what was asked; a count must stand near the thing counted."""
    if kind != "how_many" or not focus:
        return bool(ASKS[kind][1].search(text))
    words = WORD.findall(THOUSANDS.sub(r"\1\2", text.lower()))
    numbers = [i for i, w in enumerate(words) if w[0].isdigit()]
    counted = [i for i, w in enumerate(words) if STEMMER.stemWord(w) in focus]
    return any(abs(n - c) <= COUNT_WINDOW for n in numbers for c in counted)


def _count_focus(question: str, corpus: Corpus) -> frozenset[str]:
    """What a "how many/much" question counts: the head of the words right after it
    ("how many patient appointments have..." counts appointments, not patients)."""
    match = re.search(r"\bhow (?:many|much)\s+(.*)", question, re.I)
    if not match:
        return frozenset()
    run: list[str] = []
    for word in WORD.findall(match.group(1).lower()):
        if word in STOPWORDS:
            break
        run.append(word)
    known = [w for w in run if w in corpus.lexicon.corpus]
    return alternatives(known[-1]) if known else frozenset()


def _ranked(candidates: list[Candidate]) -> list[Candidate]:
    """Best first, one candidate per sentence (copies were mapped onto one chunk)."""
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        key = candidate.hit.chunk.chunk_id
        if key not in best or candidate.score > best[key].score:
            best[key] = candidate
    return sorted(best.values(), key=lambda c: c.score, reverse=True)


def _choose(
    candidates: list[Candidate],
    question: PreparedQuestion,
    asked: frozenset[str],
    retriever: HybridRetriever,
    corpus: Corpus,
    limit: int,
) -> list[RetrievedChunk]:
    if not candidates:
        return []
    lead = candidates[0]
    chosen = [lead.hit, *_continuation(lead.hit, corpus)]
    picked = [lead]
    similarity = retriever.chunk_cosines([c.hit.chunk.chunk_id for c in candidates])

    def answers_another_part(c: Candidate) -> bool:
        return _covers_missing_term(c, picked, question, corpus) or bool(
            c.kinds & (asked - _kinds_of(picked))
        )

    def adds_something(c: Candidate) -> bool:
        return _adds_something(c, lead, picked)

    for wanted in (answers_another_part, adds_something):  # other parts of the question first
        for i, candidate in enumerate(candidates[1:], start=1):
            if len(chosen) >= limit:
                return chosen
            if (
                any(similarity[i, candidates.index(p)] >= SAME_THING for p in picked)
                or candidate in picked
            ):
                continue
            if candidate.term_share > 0 and wanted(candidate):
                chosen.append(candidate.hit)
                picked.append(candidate)
    return chosen


def _kinds_of(picked: list[Candidate]) -> set[str]:
    return set().union(*(c.kinds for c in picked))


def _adds_something(candidate: Candidate, lead: Candidate, picked: list[Candidate]) -> bool:
    """Nearly as good as the lead, or another source's figure for the same count."""
    if candidate.score >= STRONG_SHARE * lead.score:
        return True
    other_source = all(candidate.hit.source.article_id != p.hit.source.article_id for p in picked)
    return (
        "how_many" in candidate.kinds
        and other_source
        and candidate.term_share >= 0.4 * lead.term_share
    )


def _covers_missing_term(
    candidate: Candidate, picked: list[Candidate], question: PreparedQuestion, corpus: Corpus
) -> bool:
    """A multi-part question ("monday or thursday?", "address and hours"): a sentence holding a
    specific question term no chosen sentence holds yet answers another part of it."""
    said = set().union(*(stems(p.hit.chunk.text) for p in picked))
    own = stems(candidate.hit.chunk.text)
    specific = [
        t for t in question.terms if corpus.idf.get(STEMMER.stemWord(t), 99) >= SPECIFIC_IDF
    ]
    return any(alternatives(t) & own and not alternatives(t) & said for t in specific)


def _continuation(hit: RetrievedChunk, corpus: Corpus) -> list[RetrievedChunk]:
    """The next sentence when it carries on the same statement (a quotation right after it)."""
    following = corpus.neighbor(hit.chunk, 1)
    if following is None or not following.text.startswith(("“", '"')):
        return []
    between = corpus.articles[hit.chunk.article_id].text[hit.chunk.end : following.start]
    return [corpus.as_hit(following, hit)] if "\n" not in between else []
