"""Near-duplicate grouping compares each chunk only with its close neighbours; on the real corpus
that must give exactly the groups that comparing every pair gives."""

from __future__ import annotations

import numpy as np

from index import store
from index.dedup import WORD, _jaccard, _same_fact, close_neighbours, group_duplicates


def every_pair_grouping(chunks, embeddings, min_cosine, preference) -> dict[str, str]:
    """The reference: leader clustering that compares a chunk with every leader so far."""
    order = sorted(
        range(len(chunks)), key=lambda i: (preference(chunks[i].article_id), chunks[i].start)
    )
    words = [set(WORD.findall(c.text.lower())) for c in chunks]
    similarity = embeddings @ embeddings.T
    leaders: list[int] = []
    leader_of: dict[int, int] = {}
    for i in order:
        fitting = [
            j
            for j in leaders
            if chunks[j].article_id != chunks[i].article_id
            and _same_fact(float(similarity[i, j]), _jaccard(words[i], words[j]), min_cosine)
        ]
        if fitting:
            leader_of[i] = max(fitting, key=lambda j: similarity[i, j])
        else:
            leaders.append(i)
    groups = {chunks[i].chunk_id: chunks[j].chunk_id for i, j in leader_of.items()}
    groups.update({chunks[j].chunk_id: chunks[j].chunk_id for j in leader_of.values()})
    return groups


def test_neighbour_grouping_equals_every_pair_grouping_on_the_corpus(built_corpus):
    settings, state = built_corpus.settings, built_corpus.state
    collection = store.open_collection(store.open_client(settings), settings)
    vectors = store.fetch_embeddings(collection, [s.key for s in state.chunks])
    embeddings = np.array([vectors[s.key] for s in state.chunks], dtype=np.float32)
    chunks = [s.chunk for s in state.chunks]
    rank = {a.article_id: (a.meta.published is None, a.article_id) for a in state.articles}

    ours = group_duplicates(chunks, embeddings, settings.dup_similarity, rank.__getitem__)
    reference = every_pair_grouping(chunks, embeddings, settings.dup_similarity, rank.__getitem__)

    assert ours == reference
    assert len(set(ours.values())) == built_corpus.summary.duplicate_groups > 10


def test_neighbours_are_bounded_and_never_the_chunk_itself():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(1, 16))
    near_copies = base + rng.normal(scale=0.01, size=(300, 16))  # 300 mutually close vectors
    embeddings = (near_copies / np.linalg.norm(near_copies, axis=1, keepdims=True)).astype(
        np.float32
    )

    neighbours = close_neighbours(embeddings)

    assert all(len(found) == 64 for found in neighbours)
    assert all(i not in found for i, found in enumerate(neighbours))
