"""chunk_article offsets: every chunk is an exact, ordered, non-overlapping slice losing no text."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from index.chunk import chunk_article, sentence_spans
from index.types import Article, ArticleMeta, Chunk

PLAIN_WORDS = ["Kaiser", "union", "the", "strike", "workers", "said", "Monday", "picket", "2,400"]
ABBREVIATED = [
    "Sen.",
    "Dr.",
    "Ms.",
    "St.",
    "Ave.",
    "Blvd.",
    "Sept.",
    "a.m.",
    "p.m.",
    "U.S.",
    "L.A.",
]
ODD_TOKENS = ["e.g.", "No.", "J.", "Inc.", "(AP)", "18%", "$50", "—", "...", "…", "'quoted'"]
QUOTES = ["“Hey”", "“wait", "‘Hey,", "”", "’", '"']
WORDS = st.sampled_from(PLAIN_WORDS + ABBREVIATED + ODD_TOKENS + QUOTES)
SPEAKERS = st.sampled_from(["Durazo said.", "she said,", "said Rodarte.", "Kaiser said:"])
TERMINALS = st.sampled_from([".", "!", "?", "…", "...", ".”", "?”", '."', ".)", ":", ""])


@st.composite
def sentences(draw) -> str:
    body = " ".join(draw(st.lists(WORDS, min_size=1, max_size=14)))
    sentence = body[:1].upper() + body[1:] + draw(TERMINALS)
    if draw(st.booleans()):
        sentence = f"“{sentence}” {draw(SPEAKERS)}"
    return sentence


@st.composite
def paragraphs(draw) -> str:
    bullet = draw(st.sampled_from(["", "", "• ", "- ", "  • ", "1. "]))
    spaces = draw(st.sampled_from([" ", "  ", " \t"]))
    return bullet + spaces.join(draw(st.lists(sentences(), min_size=1, max_size=5)))


ARTICLE_LIKE = st.builds(
    lambda paras, seps: "".join(p + s for p, s in zip(paras, seps, strict=False)),
    st.lists(paragraphs(), min_size=1, max_size=6),
    st.lists(st.sampled_from(["\n\n", "\n", "\n \n", "\n\n\n"]), min_size=6, max_size=6),
)
# Anything at all, weighted toward the characters the splitter cares about.
ARBITRARY = st.lists(
    st.sampled_from(list("Ab .!?…“”‘’\"'()\n\t\r—\u2028") + ["Sen.", "a.m. ", "U.S.", "said."])
).map("".join)


def article_of(text: str) -> Article:
    return Article("t_000", ArticleMeta("t_000.txt"), text, content_sha="")


def assert_exact_ordered_lossless(article: Article, chunks: tuple[Chunk, ...]) -> None:
    position = 0
    for ordinal, chunk in enumerate(chunks):
        assert chunk.chunk_id == f"{article.article_id}#{ordinal:03d}"
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text and chunk.text == chunk.text.strip()
        assert "\n" not in chunk.text, "a chunk crossed a paragraph break"
        assert chunk.start >= position, "chunks overlap or are out of order"
        assert not article.text[position : chunk.start].strip(), "text between chunks was lost"
        position = chunk.end
    assert not article.text[position:].strip(), "text after the last chunk was lost"


@given(text=st.one_of(ARTICLE_LIKE, ARBITRARY), per_chunk=st.integers(1, 3))
@example(text="“Hey, wait a minute. You do this?” Durazo said. Next one.", per_chunk=1)
@example(text="Sen. Durazo spoke from 6 a.m. to 2 p.m. at 9961 Sierra Ave., Fontana", per_chunk=1)
@example(text="x" * 2500 + " tail.", per_chunk=1)
def test_every_chunk_is_an_exact_ordered_slice_and_no_text_is_lost(text, per_chunk):
    article = article_of(text)

    assert_exact_ordered_lossless(article, chunk_article(article, per_chunk))


@given(text=ARTICLE_LIKE)
def test_sentence_spans_are_ordered_trimmed_and_cover_all_text(text):
    spans = list(sentence_spans(text))

    covered = "".join(text[start:end] for start, end in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


def test_abbreviations_and_a_quote_with_its_speaker_stay_in_one_sentence():
    text = (
        "Democratic state Sen. Maria Elena Durazo joined the L.A. picket line at 6 a.m. Monday. "
        "“Don’t we deserve the same kind of working conditions?” Durazo said. Kaiser disagreed."
    )

    chunks = [c.text for c in chunk_article(article_of(text))]

    assert chunks == [
        "Democratic state Sen. Maria Elena Durazo joined the L.A. picket line at 6 a.m. Monday.",
        "“Don’t we deserve the same kind of working conditions?” Durazo said.",
        "Kaiser disagreed.",
    ]


def test_every_chunk_of_the_real_corpus_is_an_exact_slice_of_its_article(built_corpus):
    state = built_corpus.state
    chunks_of = {a.article_id: [] for a in state.articles}
    for stored in state.chunks:
        chunks_of[stored.chunk.article_id].append(stored.chunk)

    for article in state.articles:
        assert chunks_of[article.article_id], f"{article.article_id} has no chunks"
        assert_exact_ordered_lossless(article, tuple(chunks_of[article.article_id]))
        assert tuple(c.text for c in chunk_article(article)) == tuple(
            c.text for c in chunks_of[article.article_id]
        ), "the committed chunks are not what chunk_article gives today"
