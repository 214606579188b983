"""The records ingestion produces: Article (cleaned text + manifest metadata) -> Chunk (a span)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the manifest says about one corpus file; None means the article does not say."""

    source_file: str
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    url: str | None = None
    relation: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str  # the file name without extension, e.g. "002_647c46df6db8ea69"
    meta: ArticleMeta
    text: str  # cleaned article text; chunk offsets point into it
    content_sha: str  # sha256 of `text`: what decides whether the article must be re-embedded


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str  # f"{article_id}#{ordinal:03d}": stable and readable
    article_id: str
    text: str
    start: int  # offsets into the cleaned article text: text == article.text[start:end]
    end: int
    dup_group: str | None = None  # chunk_id of the group's canonical copy, None if unique
