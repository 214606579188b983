"""Incremental builds: only changed chunks are embedded, stale vectors go, a failed build changes
nothing, one build at a time, and an index is only ever extended with the model that built it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index import store
from index.build import BuildRefused, build_index, build_lock
from index.settings import IndexSettings
from index.types import Chunk

FORTUNE = "002_647c46df6db8ea69"
PICKET = "004_347b3ec411fdd49b"
REWRITE = "001_6393ffdb79b83702"


class FailingEmbedder(BaseEmbedding):
    """Fault injector: the real embedder, except that batch number `fail_on` raises."""

    _inner: BaseEmbedding = PrivateAttr()
    _fail_on: int = PrivateAttr()
    _batches: int = PrivateAttr(default=0)

    def __init__(self, inner: BaseEmbedding, fail_on: int) -> None:
        super().__init__(model_name="failing-" + inner.model_name, embed_batch_size=32)
        self._inner, self._fail_on = inner, fail_on

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self._batches += 1
        if self._batches >= self._fail_on:
            raise RuntimeError(f"injected failure in embedding batch {self._batches}")
        return self._inner.get_text_embedding_batch(texts)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner.get_query_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def committed(settings: IndexSettings):
    """(collection, state) as a reader sees them."""
    collection = store.open_collection(store.open_client(settings), settings)
    return collection, store.read_state(store.open_client(settings), settings)


def edit(settings: IndexSettings, article_id: str, old: str, new: str) -> None:
    path = Path(settings.articles_dir) / f"{article_id}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_chroma_matches_state(collection, state) -> None:
    """Chroma holds exactly the committed keys, each with its chunk's text and offsets."""
    got = collection.get(include=["documents", "metadatas"])
    assert set(got["ids"]) == state.keys()
    by_key = {s.key: s.chunk for s in state.chunks}
    for key, document, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        chunk = by_key[key]
        assert (document, meta["start"], meta["end"]) == (chunk.text, chunk.start, chunk.end)


def keep_only(settings: IndexSettings, *article_ids: str) -> None:
    """Trim the corpus copy, so that builds which must embed everything stay quick."""
    for path in Path(settings.articles_dir).glob("*.txt"):
        if path.stem not in article_ids:
            path.unlink()


def test_rerunning_build_adds_no_vectors(tmp_settings, embedder):
    keep_only(tmp_settings, REWRITE, PICKET)
    first = build_index(tmp_settings, embedder)

    second = build_index(tmp_settings, embedder)

    assert first.embedded == first.chunks > 0
    assert (second.embedded, second.deleted, second.chunks) == (0, 0, first.chunks)
    collection, state = committed(tmp_settings)
    assert collection.count() == len(state.chunks) == first.chunks


def never_load_a_model():
    raise AssertionError("an unchanged corpus needs no embedding model")


def test_an_unchanged_corpus_writes_nothing_and_never_loads_the_model(built_copy):
    collection, before = committed(built_copy)
    time.sleep(1.1)  # built_at has whole seconds: a new commit would now show a new time

    summary = build_index(built_copy, never_load_a_model)

    _, after = committed(built_copy)
    assert (summary.embedded, summary.deleted, summary.chunks) == (0, 0, len(before.chunks))
    assert after.built_at == before.built_at  # no new commit
    assert_chroma_matches_state(collection, after)


def test_a_changed_corpus_loads_the_model_only_then(built_copy, embedder):
    edit(built_copy, FORTUNE, "about 35 colleagues", "about three dozen colleagues")
    loads = []

    summary = build_index(built_copy, lambda: loads.append(1) or embedder)

    assert (summary.embedded, len(loads)) == (1, 1)


def test_more_vectors_than_one_chroma_call_takes_are_written_read_and_deleted(tmp_settings):
    """Chroma refuses a batch over its max size (5,461 locally): a 100x corpus is ~8,000 chunks."""
    collection = store.open_collection(store.open_client(tmp_settings), tmp_settings)
    count = store.BATCH * 2 + 7
    stored = [
        store.StoredChunk(f"a#{i:05d}@k", Chunk(f"a#{i:05d}", "a", f"sentence {i}", i, i + 1))
        for i in range(count)
    ]
    vectors = np.random.default_rng(0).normal(size=(count, 8)).astype(np.float32).tolist()

    store.upsert_vectors(collection, stored, vectors)
    fetched = store.fetch_embeddings(collection, [s.key for s in stored])
    store.delete_vectors(collection, {s.key for s in stored[1:]})

    assert len(fetched) == count
    assert np.allclose(fetched[stored[-1].key], vectors[-1])
    assert store.all_keys(collection) == {stored[0].key}


def test_editing_one_sentence_re_embeds_only_that_sentence(built_copy, embedder):
    _, before = committed(built_copy)
    edit(built_copy, FORTUNE, "about 35 colleagues", "about three dozen colleagues")

    summary = build_index(built_copy, embedder)

    collection, after = committed(built_copy)
    old_texts = {s.chunk.text for s in before.chunks}
    assert summary.embedded == 1
    assert [s.chunk.text for s in after.chunks if s.chunk.text not in old_texts] == [
        "Antonia Rodarte, a licensed marriage and family therapist for Kaiser, traveled to LA for "
        "the work action with about three dozen colleagues from Bakersfield, California."
    ]
    assert {s.key for s in after.chunks if s.chunk.article_id != FORTUNE} <= before.keys()
    assert_chroma_matches_state(collection, after)  # the Fortune chunks after it moved


def test_inserting_a_paragraph_embeds_only_the_new_paragraph(built_copy, embedder):
    _, before = committed(built_copy)
    added = "Kaiser said all of its clinics in the region would stay open during the strike."
    edit(built_copy, PICKET, "What You Need To Know", f"{added}\n\nWhat You Need To Know")

    summary = build_index(built_copy, embedder)

    collection, after = committed(built_copy)
    picket = [s.chunk for s in after.chunks if s.chunk.article_id == PICKET]
    assert summary.embedded == 1
    assert picket[1].text == added
    assert summary.deleted == len([s for s in before.chunks if s.chunk.article_id == PICKET]) - 1
    assert_chroma_matches_state(collection, after)  # moved chunks carry their new offsets


def test_removing_an_article_deletes_its_chunks_from_export_and_chroma(
    built_copy, embedder, index_main
):
    (Path(built_copy.articles_dir) / f"{REWRITE}.txt").unlink()
    _, before = committed(built_copy)

    summary = build_index(built_copy, embedder)

    collection, after = committed(built_copy)
    removed = [s for s in before.chunks if s.chunk.article_id == REWRITE]
    assert (summary.articles, summary.embedded, summary.deleted) == (4, 0, len(removed))
    assert REWRITE not in {a.article_id for a in after.articles}
    assert REWRITE not in {r["article_id"] for r in index_main(built_copy, "export").records()}
    assert not [key for key in store.all_keys(collection) if key.startswith(REWRITE)]
    assert_chroma_matches_state(collection, after)


def test_rebuild_re_embeds_every_chunk(built_copy, embedder):
    keep_only(built_copy, PICKET)

    summary = build_index(built_copy, embedder, rebuild=True)

    collection, after = committed(built_copy)
    assert summary.embedded == summary.chunks == len(after.chunks)
    assert_chroma_matches_state(collection, after)


def test_a_build_while_another_holds_the_lock_is_refused(built_copy, embedder):
    _, before = committed(built_copy)

    with build_lock(built_copy.lock_path), pytest.raises(BuildRefused, match="another build"):
        build_index(built_copy, embedder, rebuild=True)

    assert committed(built_copy)[1] == before
    assert build_index(built_copy, embedder).embedded == 0  # the lock was let go


def test_an_index_built_with_another_model_refuses_to_be_extended(built_copy, embedder):
    other = built_copy.model_copy(update={"embed_model": "acme/other-embedder"})

    with pytest.raises(BuildRefused, match="sentence-transformers/all-MiniLM-L6-v2.*--rebuild"):
        build_index(other, embedder)

    collection, state = committed(other)  # opened with the other model's settings
    assert state.embed_model == built_copy.embed_model
    assert collection.metadata[store.MODEL_KEY] == built_copy.embed_model


def test_rebuild_with_another_model_replaces_the_index_under_the_new_name(built_copy, embedder):
    keep_only(built_copy, PICKET)
    other = built_copy.model_copy(update={"embed_model": "acme/other-embedder"})

    summary = build_index(other, embedder, rebuild=True)

    collection, state = committed(other)
    assert summary.embedded == summary.chunks
    assert state.embed_model == collection.metadata[store.MODEL_KEY] == "acme/other-embedder"
    with pytest.raises(BuildRefused, match="acme/other-embedder"):
        build_index(built_copy, embedder)


def test_a_build_that_fails_midway_leaves_the_previous_index_in_force(built_copy, embedder):
    collection, before = committed(built_copy)

    with pytest.raises(RuntimeError, match="injected failure"):
        build_index(built_copy, FailingEmbedder(embedder, fail_on=2), rebuild=True)

    collection, after = committed(built_copy)
    assert after == before
    assert set(collection.get(ids=sorted(before.keys()), include=[])["ids"]) == before.keys()
    assert build_index(built_copy, embedder).embedded == 0  # and the next build goes through


def test_a_build_that_fails_after_an_edit_commits_nothing_of_it(built_copy, embedder):
    _, before = committed(built_copy)
    edit(built_copy, FORTUNE, "about 35 colleagues", "about three dozen colleagues")

    with pytest.raises(RuntimeError, match="injected failure"):
        build_index(built_copy, FailingEmbedder(embedder, fail_on=1))

    collection, after = committed(built_copy)
    assert after == before
    assert_chroma_matches_state(collection, after)
    assert build_index(built_copy, embedder).embedded == 1


def test_committed_chunks_read_back_equal_what_was_built(built_corpus):
    _, state = committed(built_corpus.settings)

    assert state == built_corpus.state
    assert len(state.chunks) == built_corpus.summary.chunks == built_corpus.summary.embedded


def test_the_chunk_collection_metadata_holds_the_model_name_only(built_copy):
    """Chroma reads a collection's metadata on every query; the state (20 MB at 1000x the corpus)
    lives in its own record, so searches do not pay for it."""
    collection, state = committed(built_copy)

    assert collection.metadata == {store.MODEL_KEY: built_copy.embed_model}
    assert state is not None and len(state.chunks) == collection.count()


def test_an_index_whose_state_an_older_version_kept_in_metadata_is_rebuilt_clean(
    built_copy, embedder
):
    collection, state = committed(built_copy)
    legacy = store.read_state_text(store.open_client(built_copy), built_copy)
    store.drop_collection(store.open_client(built_copy), built_copy)
    collection = store.open_collection(store.open_client(built_copy), built_copy)
    collection.modify(metadata={store.MODEL_KEY: built_copy.embed_model, store.STATE_KEY: legacy})

    summary = build_index(built_copy, embedder)

    collection, rebuilt = committed(built_copy)
    assert summary.chunks == len(state.chunks) and rebuilt.keys() == state.keys()
    assert store.STATE_KEY not in collection.metadata
