"""Near-duplicate detection: chunks of different articles that state the same thing form a group.

Two chunks state the same thing when they give the same figures and their word sets overlap
strongly (copies), or their embeddings are close AND they still share a good part of their
words (loose rewrites; cosine alone also pairs different stories about the same strike). Groups
form by leader clustering in preference order, so no chain of loose matches can merge unrelated
facts; each group is named after its leader, the copy from the most preferred article. Each chunk is compared only with
its close neighbours in embedding space, so the work grows with n x neighbours, not n x n.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index.types import Chunk

WORD = re.compile(r"\w+")
FIGURE = re.compile(r"\d[\d,.:]*\d|\d")
COPY_JACCARD = 0.6  # this much shared vocabulary is a copy whatever the embedding says
REWRITE_JACCARD = 0.28  # a rewrite close in embedding space must still share this much
# Only pairs this close in embedding space are compared: every same-fact pair in the bundled
# corpus measured >= 0.74 (copies >= 0.93). Bounds the work on a large corpus, with MAX_CANDIDATES.
CANDIDATE_COSINE = 0.5
MAX_CANDIDATES = 64
BLOCK_ROWS = 512


def group_duplicates(
    chunks: Sequence[Chunk],
    embeddings: np.ndarray,
    min_cosine: float,
    preference: Callable[[str], tuple],
) -> dict[str, str]:
    """chunk_id -> leader chunk_id, for every chunk that has a copy in another article."""
    order = sorted(
        range(len(chunks)), key=lambda i: (preference(chunks[i].article_id), chunks[i].start)
    )
    facts = SameFact.of(chunks, min_cosine)
    neighbours = close_neighbours(embeddings)
    is_leader = [False] * len(chunks)
    leader_of: dict[int, int] = {}
    for i in order:
        fitting = [j for j, cos in neighbours[i].items() if is_leader[j] and facts(i, j, cos)]
        match = max(fitting, key=lambda j: neighbours[i][j], default=None)
        if match is None:
            is_leader[i] = True
        else:
            leader_of[i] = match
    groups = {chunks[i].chunk_id: chunks[leader].chunk_id for i, leader in leader_of.items()}
    groups.update({chunks[j].chunk_id: chunks[j].chunk_id for j in set(leader_of.values())})
    return groups


@dataclass(frozen=True, slots=True)
class SameFact:
    """Whether chunks i and j (of different articles, at a given cosine) state the same fact."""

    chunks: Sequence[Chunk]
    words: list[set[str]]
    figures: list[frozenset[str]]
    min_cosine: float

    @classmethod
    def of(cls, chunks: Sequence[Chunk], min_cosine: float) -> SameFact:
        words = [set(WORD.findall(c.text.lower())) for c in chunks]
        return cls(chunks, words, [figures_in(c.text) for c in chunks], min_cosine)

    def __call__(self, i: int, j: int, cosine: float) -> bool:
        return (
            self.chunks[i].article_id != self.chunks[j].article_id
            and self.figures[i] == self.figures[j]
            and _same_fact(cosine, _jaccard(self.words[i], self.words[j]), self.min_cosine)
        )


def close_neighbours(embeddings: np.ndarray) -> list[dict[int, float]]:
    """For each chunk, the others at cosine >= CANDIDATE_COSINE (the closest MAX_CANDIDATES of
    them), in blocks of rows so memory stays O(rows x n), never O(n x n)."""
    found: list[dict[int, float]] = []
    for start in range(0, len(embeddings), BLOCK_ROWS):
        block = embeddings[start : start + BLOCK_ROWS] @ embeddings.T
        for offset, row in enumerate(block):
            row[start + offset] = -1.0  # not its own neighbour
            close = np.flatnonzero(row >= CANDIDATE_COSINE)
            if len(close) > MAX_CANDIDATES:
                close = close[np.argpartition(-row[close], MAX_CANDIDATES)[:MAX_CANDIDATES]]
            found.append({int(j): float(row[j]) for j in close})
    return found


def figures_in(text: str) -> frozenset[str]:
    """The numbers a sentence states ("2,400" and "2400" alike): a sentence giving other figures
    states another fact, however close its words are."""
    return frozenset(figure.replace(",", "") for figure in FIGURE.findall(text))


def _same_fact(cosine: float, jaccard: float, min_cosine: float) -> bool:
    return jaccard >= COPY_JACCARD or (cosine >= min_cosine and jaccard >= REWRITE_JACCARD)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
