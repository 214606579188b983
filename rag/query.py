"""Question preparation: raw user text -> a bounded, normalised question and its retrieval query.

Patient phrasing is met with general means: shorthand expansion, spelling correction against the
index vocabulary, and folding the previous turn into follow-ups that cannot stand alone.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib.util
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r"[a-z0-9][a-z0-9'’]*")
SHORTHAND = {
    "appt": "appointment",
    "appts": "appointments",
    "apt": "appointment",
    "bc": "because",
    "b/c": "because",
    "socal": "southern california",
    "norcal": "northern california",
    "oc": "orange county",
    "la": "los angeles",
    "sd": "san diego",
    "sf": "san francisco",
    "kp": "kaiser permanente",
    "dr": "doctor",
    "doc": "doctor",
    "meds": "medication",
    "w/": "with",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "whats": "what is",
    "wats": "what is",
    "wat": "what",
    "wen": "when",
    "wher": "where",
    "tmrw": "tomorrow",
    "tho": "though",
    "thx": "thanks",
    "info": "information",
    "therapists": "therapists",
    "psych": "psychiatric",
    "hrs": "hours",
    "addr": "address",
}


def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its source as data: importing scikit-learn
    pulls in scipy and pandas, 2.3 s of every cold start (measured by `make bench --profile`)."""
    try:
        spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
        assert spec and spec.submodule_search_locations
        folder = Path(spec.submodule_search_locations[0]) / "feature_extraction"
        tree = ast.parse((folder / "_stop_words.py").read_text(encoding="utf-8"))
        assigned = next(n.value for n in tree.body if isinstance(n, ast.Assign))
        assert isinstance(assigned, ast.Call)
        return frozenset(ast.literal_eval(assigned.args[0]))
    except (AssertionError, OSError, StopIteration, ValueError, SyntaxError, IndexError):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # its layout changed

        return frozenset(ENGLISH_STOP_WORDS)


# General English stop words plus the scaffolding of patients' questions ("tell me", "actually").
STOPWORDS = english_stop_words() | frozenset(
    (
        "ok okay tell know need got going thing things does did doing just really actually exactly "
        "like pls please hey hi hello thanks thank yes yeah gonna wanna im i'm i'd i've dont don't "
        "can't cant won't isnt isn't whats what's wheres where's hows how's anymore lol ppl people "
        "say said supposed think heard read mean means vs versus able let today tonight currently "
        "going happening gotten getting numbers number figures different"
    ).split()
)
# Patients' words -> the words news articles use for the same thing (query expansion, both kept).
SYNONYMS = {
    "cancelled": "affected disrupted delayed",
    "canceled": "affected disrupted delayed",
    "cancel": "affected disrupted delayed",
    "cancellation": "affected disrupted delayed",
    "offer": "proposal proposals terms",
    "offered": "proposal proposals terms",
    "offering": "proposal",
    "raise": "wage increase pay",
    "salary": "pay wage",
    "money": "pay wage",
    "different": "another other",
    "switch": "another",
    "someone": "another",
    "else": "another",
    "doctor": "therapist provider professional",
    "counselor": "therapist",
    "therapy": "therapist",
    "protest": "picket rally",
    "protesting": "picketing",
    "protests": "picket rallies",
    "walkout": "strike",
    "striking": "strike",
    "strikers": "strike",
    "demands": "demand want",
    "expire": "expired",
    "expires": "expired",
    "run": "expired",
    "started": "began",
    "start": "began",
    "politician": "elected officials senator",
    "politicians": "elected officials senator",
    "want": "demand demands seek",
    "wants": "demand demands seek",
    "patients": "people clients",
    "patient": "people clients",
    "hq": "based",
    "headquarters": "based",
    "understaffed": "staffing shortages",
    "overworked": "workloads",
    "why": "over because demand",
    "reason": "over because",
    "long": "open-ended indefinite weeks",
    "last": "open-ended indefinite",
    "trouble": "settlement regulators lapses",
    "fined": "settlement",
}
FOLLOW_UP_OPENERS = re.compile(
    r"^(and|ok|okay|so|also|then|what about|how about|and what|but)\b", re.I
)
ANAPHORA = re.compile(
    r"\b(it|that|there|those|these|they|them|this one|same|the address|the hours)\b", re.I
)
MARKUP = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)|<[^<>]{0,500}>", re.IGNORECASE | re.DOTALL)
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
INVISIBLE = re.compile("[\u00ad\u2060\ufeff]")  # soft hyphen, word joiner, BOM: inside words


@dataclass(frozen=True, slots=True)
class PreparedQuestion:
    text: str  # what the user asked, cleaned and bounded
    dense_query: (
        str  # natural wording searched by embedding (with the previous turn for follow-ups)
    )
    retrieval_query: str  # terms searched by BM25: expanded, corrected, with context for follow-ups
    terms: tuple[
        str, ...
    ]  # content terms (shorthand expanded, corrected; with the previous turn's for follow-ups)
    truncated: bool
    own_terms: tuple[
        str, ...
    ] = ()  # this turn's content terms alone (corrected: "adress" -> address)


def clean_input(raw: str, max_chars: int) -> tuple[str, bool]:
    """Printable text: no control/bidi characters, lone surrogates or markup; whitespace collapsed."""
    raw = raw.lstrip()  # leading blank lines must not use up the length budget
    text = "".join(ch for ch in raw[: max_chars * 4] if not 0xD800 <= ord(ch) <= 0xDFFF)
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", INVISIBLE.sub("", text)))
    text = MARKUP.sub(" ", text)
    text = " ".join(text.split())
    return (
        (text[:max_chars], True)
        if len(text) > max_chars or len(raw) > max_chars * 4
        else (text, False)
    )


@dataclass(frozen=True)
class Lexicon:
    """What words mean here: the corpus's own words, and ordinary English (not to be 'corrected')."""

    corpus: frozenset[str]
    english: frozenset[str]

    @functools.cached_property
    def by_initial(self) -> dict[str, list[str]]:
        """Every known word by its first letter: where a misspelling's match is looked for."""
        index: dict[str, list[str]] = {}
        for word in sorted(self.corpus | self.english):
            index.setdefault(word[:1], []).append(word)
        return index


def prepare(
    question: str, history: Sequence[str], lexicon: Lexicon, max_chars: int
) -> PreparedQuestion:
    text, truncated = clean_input(question, max_chars)
    own_terms = content_terms(text, lexicon)
    previous = [clean_input(turn, max_chars)[0] for turn in history if turn and turn.strip()]
    terms, dense_query = list(own_terms), text
    if previous and is_follow_up(text, own_terms):
        terms = [*content_terms(previous[-1], lexicon), *own_terms]
        dense_query = f"{previous[-1]} {text}"
    expanded = [
        *terms,
        *(w for t in terms for w in SYNONYMS.get(t, "").split()),
        *_written_numbers(terms),
    ]
    return PreparedQuestion(
        text, dense_query, " ".join(expanded) or text, tuple(terms), truncated, tuple(own_terms)
    )


def _written_numbers(terms: Sequence[str]) -> list[str]:
    """2400 as the articles write it, 2,400."""
    return [f"{int(t):,}" for t in terms if t.isdigit() and len(t) >= 4]


def is_follow_up(text: str, terms: Sequence[str]) -> bool:
    """A turn that leans on the one before: opens like a continuation, points back, or is tiny."""
    return bool(FOLLOW_UP_OPENERS.match(text) or ANAPHORA.search(text)) or len(terms) <= 1


def content_terms(text: str, lexicon: Lexicon) -> list[str]:
    """Lower-case content words, shorthand expanded and misspellings mapped onto the corpus words."""
    words = _expanded(WORD.findall(text.lower().replace("’", "'")))
    terms = [_corrected(word, lexicon) for word in words if len(word) > 1]
    return [term for term in terms if term not in STOPWORDS]


def _expanded(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        bare = word.removesuffix("'s")
        out.extend(SHORTHAND[bare].split() if bare in SHORTHAND else [bare])
    return out


@functools.lru_cache(maxsize=4096)
def _corrected(word: str, lexicon: Lexicon) -> str:
    """A misspelling mapped to the closest corpus word ("fontanna" -> "fontana"); real words stay."""
    if (
        word in lexicon.corpus
        or word in lexicon.english
        or word in STOPWORDS
        or len(word) < 4
        or not word.isalpha()
    ):
        return word
    same_initial = lexicon.by_initial.get(word[:1], [])
    near = [v for v in same_initial if abs(len(v) - len(word)) <= 2]
    match = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
    return match[0] if match else word


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(
        word for text in texts for word in WORD.findall(text.lower().replace("’", "'"))
    )
