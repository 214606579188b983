"""What the answerer knows about the indexed corpus: articles, chunks, sources, copies, term weights."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import Stemmer

from index.store import IndexState
from index.types import Article, Chunk
from rag.query import SYNONYMS, WORD, Lexicon, vocabulary_of
from rag.types import RetrievedChunk, SourceInfo

STEMMER = Stemmer.Stemmer("english")
THOUSANDS = re.compile(r"(\d),(\d{3})\b")


@dataclass(frozen=True)
class Corpus:
    articles: Mapping[str, Article]
    chunks: Mapping[str, Chunk]  # chunk_id -> chunk, in article order
    sources: Mapping[str, SourceInfo]  # article_id -> how a reader names it
    copies: Mapping[str, tuple[SourceInfo, ...]]  # dup_group -> articles carrying that sentence
    idf: Mapping[str, float]  # stem -> inverse document frequency over chunks
    lexicon: Lexicon

    def neighbor(self, chunk: Chunk, offset: int) -> Chunk | None:
        """The chunk `offset` places after this one in the same article."""
        ordinal = int(chunk.chunk_id.rsplit("#", 1)[1]) + offset
        return self.chunks.get(f"{chunk.article_id}#{ordinal:03d}") if ordinal >= 0 else None

    def as_hit(self, chunk: Chunk, like: RetrievedChunk) -> RetrievedChunk:
        return replace(like, chunk=chunk, source=self.sources[chunk.article_id])

    def canonical(self, hit: RetrievedChunk) -> RetrievedChunk:
        """The copy of a duplicated sentence to cite: the one from the preferred (dated) article."""
        leader = self.chunks.get(hit.chunk.dup_group or "")
        return self.as_hit(leader, hit) if leader and leader.chunk_id != hit.chunk.chunk_id else hit

    def other_copies(self, hit: RetrievedChunk) -> tuple[SourceInfo, ...]:
        members = self.copies.get(hit.chunk.dup_group or "", ())
        return tuple(s for s in members if s.article_id != hit.source.article_id)


def corpus_of(state: IndexState, english: frozenset[str]) -> Corpus:
    sources = {a.article_id: source_info(a) for a in state.articles}
    chunks = [s.chunk for s in state.chunks]
    return Corpus(
        articles={a.article_id: a for a in state.articles},
        chunks={c.chunk_id: c for c in chunks},
        sources=sources,
        copies=_copies(chunks, sources),
        idf=idf_of(c.text for c in chunks),
        lexicon=Lexicon(vocabulary_of(c.text for c in chunks), english),
    )


def source_info(article: Article) -> SourceInfo:
    meta = article.meta
    return SourceInfo(
        article.article_id, meta.source_file, meta.outlet, meta.title, meta.published, meta.url
    )


@functools.lru_cache(maxsize=16384)
def stems(text: str) -> frozenset[str]:
    """Stemmed words; "2,400" and "2400" are one word. Cached: chunk texts recur in every answer."""
    plain = THOUSANDS.sub(r"\1\2", text.lower().replace("’", "'"))
    return frozenset(STEMMER.stemWords(WORD.findall(plain)))


def alternatives(term: str) -> frozenset[str]:
    """The stems that count as a question term being present: its own and its synonyms'."""
    return frozenset(STEMMER.stemWords([term, *SYNONYMS.get(term, "").split()]))


def term_share(terms: Sequence[str], text_stems: frozenset[str]) -> float:
    """Share of the question's terms (or their synonyms) found among a text's stems."""
    unique = set(terms)
    return sum(bool(alternatives(t) & text_stems) for t in unique) / len(unique) if unique else 0.0


def idf_of(texts: Iterable[str]) -> dict[str, float]:
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for stem in stems(text):
            counts[stem] = counts.get(stem, 0) + 1
    return {stem: math.log((total + 1) / (count + 0.5)) for stem, count in counts.items()}


def _copies(
    chunks: list[Chunk], sources: Mapping[str, SourceInfo]
) -> dict[str, tuple[SourceInfo, ...]]:
    groups: dict[str, dict[str, SourceInfo]] = {}
    for chunk in chunks:
        if chunk.dup_group:
            groups.setdefault(chunk.dup_group, {})[chunk.article_id] = sources[chunk.article_id]
    return {group: tuple(members.values()) for group, members in groups.items()}
