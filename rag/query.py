"""Question preparation: raw user text -> a bounded, normalised question and its retrieval query.

Patient phrasing is met with general means: shorthand expansion, spelling correction against the
index vocabulary, and folding the previous turn into follow-ups that cannot stand alone.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WORD = re.compile(r"[a-z0-9][a-z0-9'’]*")
SHORTHAND = {
    "appt": "appointment", "appts": "appointments", "apt": "appointment", "bc": "because",
    "b/c": "because", "socal": "southern california", "norcal": "northern california",
    "oc": "orange county", "la": "los angeles", "sd": "san diego", "sf": "san francisco",
    "kp": "kaiser permanente", "dr": "doctor", "doc": "doctor", "meds": "medication",
    "w/": "with", "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please",
    "whats": "what is", "wats": "what is", "wat": "what", "wen": "when", "wher": "where",
    "tmrw": "tomorrow", "tho": "though", "thx": "thanks", "info": "information",
    "therapists": "therapists", "psych": "psychiatric", "hrs": "hours", "addr": "address",
}
STOPWORDS = frozenset(
    "a an the of to in on at for and or but with by from as is are was were be been being has have "
    "had do does did i me my we our you your it its they them their he she his her this that these "
    "those there here what which who whom when where why how will would can could should shall may "
    "might must about into over any some all just not no so if then than too very also ok okay "
    "please tell know want need get got going go still anything something thing things".split()
)
FOLLOW_UP_OPENERS = re.compile(r"^(and|ok|okay|so|also|then|what about|how about|and what|but)\b", re.I)
ANAPHORA = re.compile(r"\b(it|that|there|those|these|they|them|this one|same|the address|the hours)\b", re.I)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class PreparedQuestion:
    text: str  # what the user asked, cleaned and bounded
    dense_query: str  # natural wording searched by embedding (with the previous turn for follow-ups)
    retrieval_query: str  # terms searched by BM25: expanded, corrected, with context for follow-ups
    terms: tuple[str, ...]  # content terms of the question (expanded, corrected)
    truncated: bool


def clean_input(raw: str, max_chars: int) -> tuple[str, bool]:
    """Printable text: no control/bidi characters or lone surrogates, whitespace collapsed."""
    text = "".join(ch for ch in raw if not 0xD800 <= ord(ch) <= 0xDFFF)
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    return (text[:max_chars], True) if len(text) > max_chars else (text, False)


def prepare(question: str, history: Sequence[str], vocabulary: frozenset[str], max_chars: int) -> PreparedQuestion:
    text, truncated = clean_input(question, max_chars)
    own_terms = content_terms(text, vocabulary)
    previous = [clean_input(turn, max_chars)[0] for turn in history if turn and turn.strip()]
    query_terms, dense_query = list(own_terms), text
    if previous and is_follow_up(text, own_terms):
        query_terms = [*content_terms(previous[-1], vocabulary), *own_terms]
        dense_query = f"{previous[-1]} {text}"
    return PreparedQuestion(text, dense_query, " ".join(query_terms) or text, tuple(own_terms), truncated)


def is_follow_up(text: str, terms: Sequence[str]) -> bool:
    """A turn that leans on the one before: opens like a continuation, points back, or is tiny."""
    return bool(FOLLOW_UP_OPENERS.match(text) or ANAPHORA.search(text)) or len(terms) <= 2


def content_terms(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Lower-case content words, shorthand expanded and misspellings mapped onto the vocabulary."""
    words = _expanded(WORD.findall(text.lower().replace("’", "'")))
    return [_corrected(word, vocabulary) for word in words if word not in STOPWORDS and len(word) > 1]


def _expanded(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        bare = word.removesuffix("'s")
        out.extend(SHORTHAND[bare].split() if bare in SHORTHAND else [bare])
    return out


@functools.lru_cache(maxsize=4096)
def _corrected(word: str, vocabulary: frozenset[str]) -> str:
    """The closest vocabulary word for a misspelling ("adress" -> "address"), else the word."""
    if word in vocabulary or not vocabulary or len(word) < 4 or word.isdigit():
        return word
    near = [v for v in vocabulary if abs(len(v) - len(word)) <= 2 and v[:1] == word[:1]]
    match = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
    return match[0] if match else word


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(word for text in texts for word in WORD.findall(text.lower().replace("’", "'")))
