"""The extractive answerer: question + retrieved chunks -> an Answer made of verbatim, cited sentences.

Choosing: each candidate sentence is scored by closeness to the question (embedding cosine),
how many of the question's terms it contains, its fused retrieval rank, and whether it holds the
kind of thing asked for (an address for "where", a time for "when", a figure for "how many").
The best leads; a few more follow only if they add something new (near-duplicates and other
copies of the same story are skipped) or supply a part of the question not yet answered.
Refusing: when no sentence is close enough, or the question's specific terms are missing from
all evidence, the fixed "don't say" reply is given instead (calibrated on evals/cases.yaml).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import Stemmer

from index.chunk import sentence_spans
from index.types import Article, Chunk
from rag import cite
from rag.query import WORD, PreparedQuestion
from rag.retrieve import HybridRetriever
from rag.settings import Settings
from rag.types import Answer, Citation, RetrievedChunk, SourceInfo

STEMMER = Stemmer.Stemmer("english")
ADDRESS = re.compile(r"\b\d{2,5} (?:[A-Z][a-z]+ ){1,4}(?:Ave|Blvd|St|Rd|Dr|Way|Road|Street|Avenue|Boulevard)\b")
TIME = re.compile(r"\b\d{1,2}(:\d\d)? ?[ap]\.?m\.?|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\w*\.? \d{1,2}\b|\b(19|20)\d\d\b|\bweek", re.I)
FIGURE = re.compile(r"\d")
PERSON_OR_ORG = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z-]+\b|\bunion\b|\bKaiser\b")
ASKS = {
    "where": (re.compile(r"\b(where|address|location|located|site|sites|picket|pickets|rally)\b", re.I), ADDRESS),
    "when": (re.compile(r"\b(when|what time|hours?|schedule|date|day|start|began|begin)\b", re.I), TIME),
    "how_many": (re.compile(r"\b(how many|how much|number|percent|many|much)\b", re.I), FIGURE),
    "who": (re.compile(r"\b(who|whom)\b", re.I), PERSON_OR_ORG),
}
PRESENT = re.compile(r"\b(still|now|today|tonight|currently|current|right now|latest|yet|anymore|over yet|this week|tomorrow|ongoing)\b", re.I)
SPEAKER = re.compile(r"((?:[A-Z][\w’'-]+ ){0,3}[A-Z][\w’'-]+|[Tt]he union|Kaiser(?: officials)?|[Aa] Kaiser spokesperson|[Tt]he spokesperson) (?:said|says|told|stated)")
LIST_ITEM_MAX_CHARS = 120
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
    articles: Mapping[str, Article],
    copies: Mapping[str, tuple[SourceInfo, ...]],
    idf: Mapping[str, float],
    settings: Settings,
) -> Answer:
    asked = _asked_kinds(question)
    if _not_covered(question, hits, idf, settings):
        return refusal(question.text)
    candidates = sorted(_candidates(question, hits, asked), key=lambda c: c.score, reverse=True)
    chosen = _choose(candidates, asked, retriever, settings.max_answer_sentences)
    chosen = _with_list_intros(chosen, hits, articles)
    return _compose(question, chosen, articles, copies)


def refusal(question: str) -> Answer:
    return Answer(question=question, text=REFUSAL, citations=(), refused=True, safety=None, mode="extractive")


def stems(text: str) -> set[str]:
    return set(STEMMER.stemWords(WORD.findall(text.lower().replace("’", "'"))))


def _asked_kinds(question: PreparedQuestion) -> frozenset[str]:
    return frozenset(kind for kind, (cue, _) in ASKS.items() if cue.search(question.text))


def _not_covered(question: PreparedQuestion, hits: Sequence[RetrievedChunk], idf: Mapping[str, float], settings: Settings) -> bool:
    """The articles don't answer this: nothing is close, or the question's specific terms are absent."""
    if not hits:
        return True
    best = max(hit.dense_score for hit in hits)
    if best < settings.refuse_below_cosine:
        return True
    evidence = set().union(*(stems(hit.chunk.text) for hit in hits[:3]))
    return best < settings.confident_cosine and _term_coverage(question.terms, evidence, idf) < settings.min_term_coverage


def _term_coverage(terms: Sequence[str], evidence: set[str], idf: Mapping[str, float]) -> float:
    """Share of the question's terms, weighted by rarity (unknown terms weigh most), in the evidence."""
    term_stems = {STEMMER.stemWord(t) for t in terms}
    if not term_stems:
        return 1.0
    rarest = max(idf.values(), default=1.0)
    weight = {t: idf.get(t, rarest) for t in term_stems}
    return sum(w for t, w in weight.items() if t in evidence) / sum(weight.values())


def _candidates(question: PreparedQuestion, hits: Sequence[RetrievedChunk], asked: frozenset[str]) -> list[Candidate]:
    term_stems = {STEMMER.stemWord(t) for t in question.terms}
    top_fused = max((hit.score for hit in hits), default=1.0)
    out = []
    for hit in hits:
        share = len(term_stems & stems(hit.chunk.text)) / len(term_stems) if term_stems else 0.0
        kinds = frozenset(kind for kind in asked if ASKS[kind][1].search(hit.chunk.text))
        score = 0.5 * hit.dense_score + 0.3 * share + 0.2 * hit.score / top_fused + 0.15 * bool(kinds)
        out.append(Candidate(hit, score, share, kinds))
    return out


def _choose(candidates: list[Candidate], asked: frozenset[str], retriever: HybridRetriever, limit: int) -> list[Candidate]:
    if not candidates:
        return []
    chosen = [candidates[0]]
    similarity = retriever.chunk_cosines([c.hit.chunk.chunk_id for c in candidates])
    index_of = {id(c): i for i, c in enumerate(candidates)}
    for candidate in candidates[1:]:
        if len(chosen) >= limit:
            break
        if _redundant(candidate, chosen, similarity, index_of):
            continue
        missing = asked - set().union(*(c.kinds for c in chosen))
        strong = candidate.score >= 0.8 * chosen[0].score and candidate.term_share > 0
        if strong or (candidate.kinds & missing and candidate.term_share > 0):
            chosen.append(candidate)
    return chosen


def _redundant(candidate: Candidate, chosen: list[Candidate], similarity, index_of) -> bool:
    group = candidate.hit.chunk.dup_group
    for other in chosen:
        if group and group == other.hit.chunk.dup_group:
            return True
        if similarity[index_of[id(candidate)], index_of[id(other)]] >= 0.8:
            return True
    return False


def _with_list_intros(chosen: list[Candidate], hits: Sequence[RetrievedChunk], articles: Mapping[str, Article]) -> list[RetrievedChunk]:
    """A list item (an address line) is shown after the sentence that introduces its list."""
    out: list[RetrievedChunk] = []
    for candidate in chosen:
        intro = _list_intro(candidate.hit, articles)
        if intro and all(intro.chunk.start != h.chunk.start or intro.chunk.article_id != h.chunk.article_id for h in out):
            out.append(intro)
        if candidate.hit not in out:
            out.append(candidate.hit)
    return out


def _list_intro(hit: RetrievedChunk, articles: Mapping[str, Article]) -> RetrievedChunk | None:
    chunk = hit.chunk
    if len(chunk.text) > LIST_ITEM_MAX_CHARS or chunk.text.rstrip().endswith((".", "?", "!", "”", '"')):
        return None
    text = articles[chunk.article_id].text
    before = text[: chunk.start].rstrip("\n").split("\n\n")
    for paragraph in reversed(before):
        if paragraph.rstrip().endswith(":"):
            start = text.rfind(paragraph, 0, chunk.start)
            intro_start = _last_sentence_start(paragraph)
            intro = Chunk(f"{chunk.article_id}#intro", chunk.article_id, paragraph[intro_start:], start + intro_start, start + len(paragraph))
            return RetrievedChunk(intro, hit.source, hit.score, hit.dense_score, hit.rank)
        if len(paragraph) > LIST_ITEM_MAX_CHARS:
            return None
    return None


def _last_sentence_start(paragraph: str) -> int:
    spans = list(sentence_spans(paragraph))
    return spans[-1][0] if spans else 0


def _compose(question: PreparedQuestion, hits: list[RetrievedChunk], articles: Mapping[str, Article], copies: Mapping[str, tuple[SourceInfo, ...]]) -> Answer:
    parts: list[str] = []
    citations: list[Citation] = []
    for n, hit in enumerate(hits, start=1):
        also = tuple(s for s in copies.get(hit.chunk.dup_group or "", ()) if s.article_id != hit.source.article_id)
        citations.append(cite.citation_for(n, hit, also))
        parts.append(f"{_speaker_prefix(hit, articles)}{hit.chunk.text} [{n}]")
    lines = [" ".join(parts)]
    lines += [_copies_line(c) for c in citations if c.also_in]
    lines.append(cite.dating_line(citations))
    if PRESENT.search(question.text):
        lines.append(OUT_OF_DATE)
    return Answer(question.text, "\n\n".join(lines), tuple(citations), refused=False, safety=None, mode="extractive")


def _speaker_prefix(hit: RetrievedChunk, articles: Mapping[str, Article]) -> str:
    """A bare quotation gets its speaker from the sentence before it, so claims stay attributed."""
    text = hit.chunk.text
    if not text.startswith(("“", '"')) or SPEAKER.search(text):
        return ""
    before = articles[hit.chunk.article_id].text[max(0, hit.chunk.start - 400) : hit.chunk.start]
    speakers = SPEAKER.findall(before)
    return f"{speakers[-1].strip()} said: " if speakers else ""


def _copies_line(citation: Citation) -> str:
    names = sorted({cite.source_label(s) for s in citation.also_in})
    return f"[{citation.n}] also appeared in: {'; '.join(names)}."


def idf_of(texts: Sequence[str]) -> dict[str, float]:
    """Inverse document frequency of every stem over the chunks."""
    counts: dict[str, int] = {}
    for text in texts:
        for stem in stems(text):
            counts[stem] = counts.get(stem, 0) + 1
    return {stem: math.log((len(texts) + 1) / (count + 0.5)) for stem, count in counts.items()}
