"""The records answering produces: RetrievedChunk -> Answer(text, citations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from index.types import Chunk


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One article as a reader sees it: who published it, when, where."""

    article_id: str
    source_file: str
    outlet: str | None
    title: str | None
    published: date | None  # None = the article does not say; never guessed
    url: str | None


@dataclass(frozen=True, slots=True)
class RetrievedChunk:
    chunk: Chunk
    source: SourceInfo
    score: float  # fused retrieval score, higher is better
    dense_score: float  # cosine similarity to the question
    rank: int  # 1-based position in the fused ranking


@dataclass(frozen=True, slots=True)
class Citation:
    n: int  # the [n] in the answer text
    article_id: str
    source_file: str
    outlet: str | None
    title: str | None
    published: date | None
    quote: str  # verbatim from the cleaned article: article.text[start:end] == quote
    start: int
    end: int
    also_in: tuple[SourceInfo, ...] = ()  # other articles carrying the same sentence


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]  # only those actually cited, in order of n
    refused: bool  # the articles don't cover it
    safety: str | None  # "crisis", "medical_advice", "injection", "invalid_input" or None
    mode: str  # "extractive" | "llm" | "llm->extractive fallback"
    retrieved: tuple[RetrievedChunk, ...] = ()  # what retrieval returned, best first
    notice: str | None = None  # e.g. why the LLM answer was replaced by the extractive one
    latency_ms: float = 0.0
