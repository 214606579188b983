"""Near-duplicate detection: chunks of different articles that state the same thing form a group.

Two chunks state the same thing when their word sets overlap strongly (copies), or when their
embeddings are close AND they still share a good part of their words (loose rewrites; cosine
alone also pairs different stories about the same strike). Groups form by leader clustering in
preference order, so no chain of loose matches can merge unrelated facts; each group is named
after its leader, the copy from the most preferred article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from index.types import Chunk

WORD = re.compile(r"\w+")
COPY_JACCARD = 0.6  # this much shared vocabulary is a copy whatever the embedding says
REWRITE_JACCARD = 0.28  # a rewrite close in embedding space must still share this much


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
    words = [set(WORD.findall(c.text.lower())) for c in chunks]
    similarity = embeddings @ embeddings.T if len(chunks) else np.zeros((0, 0))
    leaders: list[int] = []
    leader_of: dict[int, int] = {}
    for i in order:
        match = _best_leader(i, leaders, chunks, words, similarity, min_cosine)
        if match is None:
            leaders.append(i)
        else:
            leader_of[i] = match
    grouped = {leader for leader in leader_of.values()}
    groups = {chunks[i].chunk_id: chunks[leader].chunk_id for i, leader in leader_of.items()}
    groups.update({chunks[i].chunk_id: chunks[i].chunk_id for i in grouped})
    return groups


def _best_leader(i, leaders, chunks, words, similarity, min_cosine) -> int | None:
    candidates = [
        j
        for j in leaders
        if chunks[j].article_id != chunks[i].article_id
        and _same_fact(float(similarity[i, j]), _jaccard(words[i], words[j]), min_cosine)
    ]
    return max(candidates, key=lambda j: similarity[i, j], default=None)


def _same_fact(cosine: float, jaccard: float, min_cosine: float) -> bool:
    return jaccard >= COPY_JACCARD or (cosine >= min_cosine and jaccard >= REWRITE_JACCARD)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
