"""Knowing when not to answer: do the retrieved sentences cover the question at all?

Several cheap checks, because a similarity cut-off alone is too fragile: nothing close enough;
a question about what no news article could know (the future, the strike's outcome) or about a
patient's own account (copays, billing, parking); a named person or place that no retrieved
passage mentions; or most of the question's topic terms absent from the whole corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import Stemmer

from rag.corpus import alternatives, stems, term_share
from rag.query import STOPWORDS, SYNONYMS, PreparedQuestion
from rag.settings import Settings
from rag.types import RetrievedChunk

STEMMER = Stemmer.Stemmer("english")
OUTCOME = re.compile(
    r"\bwhen (will|does|do|is|'?s|are)\b.{0,40}\b(end|over|stop|finish|done|resolved?|settled?|come back|return)\b|"
    r"\b(is|was|it's|its) (it|the strike|the walkout)? ?(over|done|finished|settled)\b|"
    r"\b(reach|reached|make|made|sign|signed|get|got|have) (a|an|the|any) ?(new )?(deal|agreement|contract|settlement)\b|"
    r"\b(deal|agreement|settlement) (yet|been|reached|made)\b|\bwho (will )?(win|won)\b",
    re.IGNORECASE,
)
OWN_ACCOUNT = re.compile(
    r"\b(co-?pays?|deductibles?|insurance|premiums?|billing|bills?|refunds?|reimburse\w*|costs?|prices?|"
    r"parking|park|ceo|chief executive|president of kaiser|strike pay|video (visit|call|appointment)s?|"
    r"telehealth|virtual (visit|appointment)s?|phone number|prescriptions? refill|refills?)\b",
    re.IGNORECASE,
)
NAME_AFTER_TITLE = re.compile(
    r"\b(?:dr|doctor|therapist|counselor|nurse|named)\.? ([a-z][a-z'-]+)", re.IGNORECASE
)
CAPITALIZED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
MAX_UNKNOWN_SHARE = 0.5
FAR = "nothing in the articles is close to the question"
EVIDENCE_WORD = re.compile(r"[a-z][a-z'-]+")
# Words naming the form of the answer, not its topic: an article gives "9961 Sierra Ave.", never
# the word "address", so their absence from the articles says nothing about coverage.
ANSWER_FORM_WORDS = frozenset(
    "address addresses location locations located time times hour hours schedule date dates "
    "number numbers figure figures".split()
)


@dataclass(frozen=True, slots=True)
class Coverage:
    covered: bool
    reason: str  # why not, for logs and evals


def judge_coverage(
    question: PreparedQuestion,
    hits: Sequence[RetrievedChunk],
    idf: Mapping[str, float],
    settings: Settings,
) -> Coverage:
    if not hits:
        return Coverage(False, "nothing was retrieved")
    reason = (
        _too_far(question, hits, settings)
        or _beyond_the_news(question.text)
        or _unmentioned_name(question.text, hits)
        or _unknown_topic(question.terms, hits, idf)
    )
    return Coverage(not reason, reason or "")


def _too_far(
    question: PreparedQuestion, hits: Sequence[RetrievedChunk], settings: Settings
) -> str | None:
    lexical = max(term_share(question.terms, stems(hit.chunk.text)) for hit in hits)
    close = max(hit.dense_score for hit in hits) >= settings.refuse_below_cosine
    return None if close or lexical >= settings.rescue_term_share else FAR


def _beyond_the_news(text: str) -> str | None:
    if OUTCOME.search(text):
        return "asks about the strike's outcome or end, which the articles cannot know"
    if OWN_ACCOUNT.search(text):
        return "asks about a patient's own account or an uncovered topic"
    return None


def _unmentioned_name(text: str, hits: Sequence[RetrievedChunk]) -> str | None:
    """A name asked about must be in the evidence, not merely somewhere in the corpus (a large
    corpus mentions many Smiths; that one is not ours)."""
    evidence = frozenset(w for hit in hits for w in EVIDENCE_WORD.findall(hit.chunk.text.lower()))
    names = _unknown_names(text, evidence)
    return f"names {', '.join(names)}, whom no retrieved passage mentions" if names else None


def _unknown_topic(
    terms: Sequence[str], hits: Sequence[RetrievedChunk], idf: Mapping[str, float]
) -> str | None:
    topic = [term for term in terms if term not in ANSWER_FORM_WORDS]
    evidence = frozenset().union(*(stems(hit.chunk.text) for hit in hits))
    run = _unknown_run(topic, evidence)
    if run:
        return f"asks about {run!r}, which no retrieved passage mentions"
    share = _unknown_share(topic, idf)
    if share > MAX_UNKNOWN_SHARE:
        return f"{share:.0%} of the question's specific terms are not in the articles"
    return None


def _unknown_names(text: str, known_words: frozenset[str]) -> list[str]:
    names = [m.group(1) for m in NAME_AFTER_TITLE.finditer(text)] + CAPITALIZED.findall(text)
    return [
        name
        for name in names
        if name.lower() not in known_words | STOPWORDS and name.lower() not in SYNONYMS
    ]


def _unknown_run(terms: Sequence[str], evidence: frozenset[str]) -> str | None:
    """Two words in a row that no retrieved passage holds ("woodland hills") are most likely a
    name the articles lack (judged on the evidence: a large corpus holds most words somewhere)."""
    for first, second in zip(terms, terms[1:], strict=False):
        if not (alternatives(first) & evidence or alternatives(second) & evidence):
            return f"{first} {second}"
    return None


def _known(term: str, idf: Mapping[str, float]) -> bool:
    return any(STEMMER.stemWord(w) in idf for w in [term, *SYNONYMS.get(term, "").split()])


def _unknown_share(terms: Sequence[str], idf: Mapping[str, float]) -> float:
    """Share of the question's distinct terms that no article sentence contains (synonyms count).
    Counted, not rarity-weighted: an unknown word has no frequency of its own, and weighting it as
    the rarest word makes refusals creep up as the corpus grows."""
    distinct = set(terms)
    return sum(not _known(term, idf) for term in distinct) / len(distinct) if distinct else 0.0
