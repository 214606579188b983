"""Larger corpora for the scaling benchmark: the bundled articles plus (factor - 1) times as many
synthetic look-alikes, deterministic for a seed.

A synthetic sentence is the opening of one real sentence run on into the close of another, then
perturbed: every figure redrawn, most names and places swapped for names from outside the corpus,
a few content words swapped likewise, and never left identical to a real sentence. It
reads like the corpus (same vocabulary, same shapes) and half-matches real sentences, but states
no real fact whole: retrieval must find the sentence that matches the question all the way. Synthetic articles are
undated and named by outlet "Synthetic Wire n", so nothing real is ever attributed to them.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from index.chunk import chunk_article
from index.embed import tokenizer_words
from index.load import corpus_files, load_articles
from index.manifest import add_to_manifest, read_manifest
from index.types import ArticleMeta
from rag.query import STOPWORDS

TOKEN = re.compile(r"([A-Za-z][A-Za-z’'-]*|\d[\d,.:]*)")
NAME_SWAP = 0.8  # share of capitalised words (names, places) swapped
WORD_SWAP = 0.1  # share of other content words swapped (more reads as word salad)
SENTENCES_PER_ARTICLE = (8, 26)  # the bundled articles hold 9 to 25
OUTLETS = 50
MAX_BYTES = 20_000_000


@dataclass(frozen=True, slots=True)
class SyntheticCorpus:
    articles_dir: Path
    real_articles: int
    synthetic_articles: int


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words from outside the corpus: another story's names and words, so a swap never plants
    one of the corpus's own telling terms ("Fontana", "picket") where it does not belong."""

    names: tuple[str, ...]  # capitalised English words the corpus does not use
    words: tuple[str, ...]  # lowercase English content words the corpus does not use

    @classmethod
    def of(cls, sentences: list[str]) -> Vocabulary:
        used = {t.lower() for s in sentences for t in TOKEN.findall(s)}
        english = sorted(w for w in tokenizer_words() if _is_content_word(w) and w not in used)
        return cls(tuple(w.capitalize() for w in english), tuple(english))


def synthesize_corpus(
    source_dir: Path, target_dir: Path, factor: int, seed: int = 0
) -> SyntheticCorpus:
    """target_dir: a copy of source_dir's articles and manifest, plus the synthetic articles."""
    real = corpus_files(source_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in [*real, source_dir / "manifest.yaml"]:
        if path.exists():
            shutil.copyfile(path, target_dir / path.name)
    sentences = real_sentences(source_dir)
    vocabulary = Vocabulary.of(sentences)
    rng = random.Random(seed)
    metas = [
        _write_article(target_dir, number, synthetic_article(rng, sentences, vocabulary))
        for number in range(len(real) * (factor - 1))
    ]
    add_to_manifest(target_dir / "manifest.yaml", *metas)
    return SyntheticCorpus(target_dir, len(real), len(metas))


def real_sentences(source_dir: Path) -> list[str]:
    """The corpus as strikeqa indexes it: cleaned, one sentence per chunk."""
    loaded = load_articles(
        corpus_files(source_dir), read_manifest(source_dir / "manifest.yaml"), MAX_BYTES
    )
    return [chunk.text for article in loaded.articles for chunk in chunk_article(article, 1)]


def synthetic_article(rng: random.Random, sentences: list[str], vocabulary: Vocabulary) -> str:
    count = rng.randint(*SENTENCES_PER_ARTICLE)
    picked = [
        perturb(spliced(rng.choice(sentences), rng.choice(sentences), rng), rng, vocabulary)
        for _ in range(count)
    ]
    paragraphs, at = [], 0
    while at < len(picked):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(picked[at : at + size]))
        at += size
    return "\n\n".join(paragraphs) + "\n"


def spliced(head: str, tail: str, rng: random.Random) -> str:
    """The opening of one sentence run on into the close of another, cut near their middles."""
    first, second = head.split(" "), tail.split(" ")
    cut = rng.randint(len(first) // 3, max(len(first) // 3, 2 * len(first) // 3))
    resume = round(len(second) * cut / max(len(first), 1))
    return " ".join(first[:cut] + second[resume:]) if cut and resume < len(second) else head


def perturb(sentence: str, rng: random.Random, vocabulary: Vocabulary) -> str:
    """The sentence with other figures, names and words; never the sentence itself."""
    parts = TOKEN.split(sentence)  # odd positions are tokens, even ones what lies between
    for at in range(1, len(parts), 2):
        parts[at] = _swapped(parts[at], at == 1, rng, vocabulary)
    changed = "".join(parts)
    if changed != sentence:
        return changed
    words = [at for at in range(1, len(parts), 2) if _is_content_word(parts[at])]
    if words:
        parts[rng.choice(words)] = rng.choice(vocabulary.words)
    else:
        parts.append(f" {rng.choice(vocabulary.words)}")
    return "".join(parts)


def _swapped(token: str, opening: bool, rng: random.Random, vocabulary: Vocabulary) -> str:
    if token[0].isdigit():
        return _redrawn(token, rng)
    if token[0].isupper() and not opening:
        return rng.choice(vocabulary.names) if rng.random() < NAME_SWAP else token
    if _is_content_word(token) and rng.random() < WORD_SWAP:
        return rng.choice(vocabulary.words)
    return token


def _redrawn(figure: str, rng: random.Random) -> str:
    """Another figure of the same shape (a leading digit never 0): 2,400 -> 7,193."""
    while True:
        drawn = "".join(
            str(rng.randint(1 if at == 0 else 0, 9)) if c.isdigit() else c
            for at, c in enumerate(figure)
        )
        if drawn != figure:  # the first digit alone has 9 choices: this ends
            return drawn


def _is_content_word(token: str) -> bool:
    return token.islower() and len(token) >= 4 and token not in STOPWORDS


def _write_article(target_dir: Path, number: int, text: str) -> ArticleMeta:
    name = f"syn-{number:06d}.txt"
    (target_dir / name).write_text(text, encoding="utf-8")
    return ArticleMeta(
        source_file=name,
        outlet=f"Synthetic Wire {number % OUTLETS}",
        title=f"Synthetic article {number}",
        relation="benchmark distractor: real sentences with other figures, names and words",
    )
