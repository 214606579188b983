"""Reading corpus files: path -> Article, or a one-line reason the file was skipped."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from index.clean import clean_html, clean_text
from index.types import Article, ArticleMeta

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_ARTICLE_CHARS = 100_000  # several times the longest news story; beyond it is not an article


class SkippedFile(ValueError):
    """A file that cannot be ingested; str() is a one-line reason naming the file."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    articles: tuple[Article, ...]
    skipped: tuple[str, ...]  # one line per skipped file, for the user


def corpus_files(articles_dir: Path) -> list[Path]:
    """Supported files in the corpus folder, sorted by name (the manifest is not one)."""
    if not articles_dir.is_dir():
        raise FileNotFoundError(f"articles folder not found: {articles_dir}")
    return sorted(p for p in articles_dir.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)


def load_articles(
    files: list[Path], manifest: dict[str, ArticleMeta], max_bytes: int
) -> LoadResult:
    """Every readable file as a cleaned Article; unreadable ones are reported, not raised."""
    articles: list[Article] = []
    skipped: list[str] = []
    for path in files:
        try:
            meta = manifest.get(path.name) or ArticleMeta(source_file=path.name)
            articles.append(load_article(path, meta, max_bytes))
        except SkippedFile as reason:
            skipped.append(str(reason))
            continue
        if len(articles[-1].text) == MAX_ARTICLE_CHARS:
            skipped.append(
                f"{path.name}: truncated to its first {MAX_ARTICLE_CHARS:,} characters of text"
            )
    return LoadResult(tuple(articles), tuple(skipped))


def load_article(path: Path, meta: ArticleMeta, max_bytes: int) -> Article:
    text = _cleaned(path, read_text(path, max_bytes))[:MAX_ARTICLE_CHARS]
    if not text:
        raise SkippedFile(f"{path.name}: skipped, no article text found (only page boilerplate)")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(article_id=path.stem, meta=meta, text=text, content_sha=sha)


def read_text(path: Path, max_bytes: int) -> str:
    """The file as UTF-8 text, or SkippedFile saying why not."""
    if not path.is_file():
        raise SkippedFile(f"{path}: skipped, no such file")
    size = path.stat().st_size
    if size == 0:
        raise SkippedFile(f"{path.name}: skipped, the file is empty")
    if size > max_bytes:
        raise SkippedFile(
            f"{path.name}: skipped, {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit"
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise SkippedFile(f"{path.name}: skipped, looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SkippedFile(
            f"{path.name}: skipped, not UTF-8 text (byte {error.start}); re-save it as UTF-8"
        ) from None


def _cleaned(path: Path, raw: str) -> str:
    looks_html = path.suffix.lower() in (".html", ".htm") or raw.lstrip()[:15].lower().startswith(
        ("<!doctype", "<html")
    )
    return clean_html(raw) if looks_html else clean_text(raw)
