"""Knowing when not to answer: do the retrieved sentences cover the question at all?

Several cheap checks, because a similarity cut-off alone is too fragile: nothing close enough;
a question about what no news article could know (the future, the strike's outcome) or about a
patient's own account (copays, billing, parking); a named person or place the articles never
mention; or most of the question's specific terms absent from the whole corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import Stemmer

from rag.corpus import stems, term_share
from rag.query import SYNONYMS, PreparedQuestion
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


@dataclass(frozen=True, slots=True)
class Coverage:
    covered: bool
    reason: str  # why not, for logs and evals


def judge_coverage(
    question: PreparedQuestion,
    hits: Sequence[RetrievedChunk],
    corpus_words: frozenset[str],
    idf: Mapping[str, float],
    settings: Settings,
) -> Coverage:
    if not hits:
        return Coverage(False, "nothing was retrieved")
    lexical = max(term_share(question.terms, stems(hit.chunk.text)) for hit in hits)
    if (
        max(hit.dense_score for hit in hits) < settings.refuse_below_cosine
        and lexical < settings.rescue_term_share
    ):
        return Coverage(False, "nothing in the articles is close to the question")
    if OUTCOME.search(question.text):
        return Coverage(
            False, "asks about the strike's outcome or end, which the articles cannot know"
        )
    if OWN_ACCOUNT.search(question.text):
        return Coverage(False, "asks about a patient's own account or an uncovered topic")
    unknown_names = _unknown_names(question.text, corpus_words)
    if unknown_names:
        return Coverage(
            False, f"names {', '.join(unknown_names)}, who/which the articles never mention"
        )
    unknown_run = _unknown_run(question.terms, idf)
    if unknown_run:
        return Coverage(False, f"asks about {unknown_run!r}, which the articles never mention")
    share = _unknown_share(question.terms, idf)
    if share > MAX_UNKNOWN_SHARE:
        return Coverage(
            False, f"{share:.0%} of the question's specific terms are not in the articles"
        )
    return Coverage(True, "")


def _unknown_names(text: str, corpus_words: frozenset[str]) -> list[str]:
    names = [m.group(1) for m in NAME_AFTER_TITLE.finditer(text)] + CAPITALIZED.findall(text)
    return [
        name for name in names if name.lower() not in corpus_words and name.lower() not in SYNONYMS
    ]


def _unknown_run(terms: Sequence[str], idf: Mapping[str, float]) -> str | None:
    """Two unknown words in a row ("woodland hills") are most likely a name the articles lack."""
    for first, second in zip(terms, terms[1:], strict=False):
        if not (_known(first, idf) or _known(second, idf)):
            return f"{first} {second}"
    return None


def _known(term: str, idf: Mapping[str, float]) -> bool:
    return any(STEMMER.stemWord(w) in idf for w in [term, *SYNONYMS.get(term, "").split()])


def _unknown_share(terms: Sequence[str], idf: Mapping[str, float]) -> float:
    """Rarity-weighted share of question terms that no article sentence contains (synonyms count)."""
    if not terms:
        return 0.0
    rarest = max(idf.values(), default=1.0)
    weights = {
        term: (idf.get(STEMMER.stemWord(term), rarest), _known(term, idf)) for term in set(terms)
    }
    total = sum(weight for weight, _ in weights.values())
    return sum(weight for weight, known in weights.values() if not known) / total
