"""Near-duplicate grouping compares each chunk only with its close neighbours; on the real corpus
that must give exactly the groups that comparing every pair gives. Sentences giving other
figures are never one group."""

from __future__ import annotations

import numpy as np

from index import store
from index.dedup import SameFact, close_neighbours, group_duplicates
from index.types import Chunk


def every_pair_grouping(chunks, embeddings, min_cosine, preference) -> dict[str, str]:
    """The reference: leader clustering that compares a chunk with every leader so far."""
    order = sorted(
        range(len(chunks)), key=lambda i: (preference(chunks[i].article_id), chunks[i].start)
    )
    same_fact = SameFact.of(chunks, min_cosine)
    similarity = embeddings @ embeddings.T
    leaders: list[int] = []
    leader_of: dict[int, int] = {}
    for i in order:
        fitting = [j for j in leaders if same_fact(i, j, float(similarity[i, j]))]
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


def test_a_sentence_with_other_figures_is_not_a_copy():
    chunks = [
        Chunk("a#000", "a", "More than 2,400 mental health workers went on strike Monday.", 0, 60),
        Chunk("b#000", "b", "More than 2400 mental health workers went on strike Monday.", 0, 59),
        Chunk("c#000", "c", "More than 7,193 mental health workers went on strike Monday.", 0, 60),
    ]
    same_fact = SameFact.of(chunks, 0.72)

    assert same_fact(0, 1, 0.99) and not same_fact(0, 2, 0.99)
