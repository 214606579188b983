"""Lists in articles (the picket sites): an item is shown with the sentence that introduces it,
and a question about all of them gets the whole list, cited as one span."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.types import Chunk
from rag.corpus import Corpus, stems
from rag.types import RetrievedChunk

LIST_ITEM_MAX_WORDS = 12
NAMING_IDF = 2.0  # a word this rare names a particular entry
WHOLE_LIST = re.compile(r"\b(all|list|every|locations|sites|places|where are|which)\b", re.I)


def with_lists(
    chosen: Sequence[RetrievedChunk], question: str, corpus: Corpus
) -> list[RetrievedChunk]:
    out: list[RetrievedChunk] = []
    for hit in chosen:
        intro = hit.chunk if _is_intro(hit.chunk) else _intro_of(hit.chunk, corpus)
        if intro is None:
            _append(out, hit)
        elif (
            intro is hit.chunk
            and _named_items(intro, question, corpus)
            and not WHOLE_LIST.search(question)
        ):
            _append(out, hit)
            for item in _named_items(intro, question, corpus):
                _append(out, corpus.as_hit(item, hit))
        elif WHOLE_LIST.search(question) or intro is hit.chunk:
            _append(out, corpus.as_hit(_whole_list(intro, corpus), hit))
        else:
            _append(out, corpus.as_hit(intro, hit))
            _append(out, hit)
    return out


def _append(out: list[RetrievedChunk], hit: RetrievedChunk) -> None:
    """Add unless the same text span (or one containing it) is already there."""
    for other in out:
        same_article = other.chunk.article_id == hit.chunk.article_id
        if (
            same_article
            and other.chunk.start <= hit.chunk.start
            and hit.chunk.end <= other.chunk.end
        ):
            return
    out.append(hit)


def _is_intro(chunk: Chunk) -> bool:
    return chunk.text.rstrip().endswith(":")


def _is_item(chunk: Chunk, corpus: Corpus) -> bool:
    """A short paragraph of its own that is not a quotation or an intro: an entry in a list."""
    text = corpus.articles[chunk.article_id].text
    whole_paragraph = text[max(0, chunk.start - 1) : chunk.start] in ("", "\n") and text[
        chunk.end : chunk.end + 1
    ] in ("", "\n")
    short = len(chunk.text.split()) <= LIST_ITEM_MAX_WORDS
    return (
        whole_paragraph and short and not chunk.text.startswith(("“", '"')) and not _is_intro(chunk)
    )


def _intro_of(chunk: Chunk, corpus: Corpus) -> Chunk | None:
    if not _is_item(chunk, corpus):
        return None
    previous = corpus.neighbor(chunk, -1)
    while previous is not None and _is_item(previous, corpus):
        previous = corpus.neighbor(previous, -1)
    return previous if previous is not None and _is_intro(previous) else None


def _items(intro: Chunk, corpus: Corpus) -> list[Chunk]:
    items = []
    following = corpus.neighbor(intro, 1)
    while following is not None and _is_item(following, corpus):
        items.append(following)
        following = corpus.neighbor(following, 1)
    return items


def _named_items(intro: Chunk, question: str, corpus: Corpus) -> list[Chunk]:
    """The list entries that share a word with the question ("fontana" -> the Fontana site)."""
    asked = {w for w in stems(question) if corpus.idf.get(w, 0) >= NAMING_IDF}
    return [item for item in _items(intro, corpus) if asked & stems(item.text)]


def _whole_list(intro: Chunk, corpus: Corpus) -> Chunk:
    """The intro and every item after it, as one verbatim span of the article."""
    last = (_items(intro, corpus) or [intro])[-1]
    text = corpus.articles[intro.article_id].text[intro.start : last.end]
    return Chunk(intro.chunk_id, intro.article_id, text, intro.start, last.end, intro.dup_group)
