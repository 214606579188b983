"""The naive LlamaIndex pipeline of the starter tutorial: question -> Retrieval, or BaselineAnswer.

Raw *.txt files (boilerplate and all) through SimpleDirectoryReader, the default SentenceSplitter,
the same MiniLM embedder, an in-memory Chroma collection, VectorStoreIndex, top 2. It sees the
question alone (no conversation history), as that pipeline would. No Settings globals.
The tutorial would hand the two passages to an LLM; none here is good enough (see README), so its
answer is what an extractive reader takes from them: the READER_SENTENCES lines closest to the
question by the same embedding, best first.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import chromadb
import numpy as np
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from llama_index.vector_stores.chroma import ChromaVectorStore

from evals.types import BaselineAnswer, Retrieval

COLLECTION = "strikeqa-naive-baseline"
TOP_K = 2  # the tutorial's similarity_top_k
READER_SENTENCES = 3  # as many as strikeqa's answers hold at most


class NaiveBaseline:
    def __init__(self, articles_dir: Path, embedder: BaseEmbedding):
        documents = SimpleDirectoryReader(str(articles_dir), required_exts=[".txt"]).load_data()
        collection = _fresh_collection()
        store = ChromaVectorStore(chroma_collection=collection)
        index = VectorStoreIndex.from_documents(
            documents,
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embedder,
            transformations=[SentenceSplitter()],
        )
        self._retriever: BaseRetriever = index.as_retriever(similarity_top_k=TOP_K)
        self._embedder = embedder
        self._split = split_by_sentence_tokenizer()
        self._sentences = functools.lru_cache(maxsize=1024)(self._embedded_sentences)
        self.chunks = collection.count()  # what was indexed, for ingestion throughput

    def retrieve(self, question: str) -> Retrieval:
        nodes = self._retriever.retrieve(question)
        return Retrieval(
            sources=tuple(str(n.node.metadata.get("file_name", "")) for n in nodes),
            texts=tuple(n.node.get_content() for n in nodes),
        )

    def answer(self, question: str) -> BaselineAnswer:
        retrieval = self.retrieve(question)
        query = np.asarray(self._embedder.get_query_embedding(question), dtype=np.float32)
        scored = [
            (float(vector @ query), sentence, source)
            for text, source in zip(retrieval.texts, retrieval.sources, strict=True)
            for sentence, vector in self._sentences(text)
        ]
        best = sorted(scored, key=lambda item: item[0], reverse=True)[:READER_SENTENCES]
        return BaselineAnswer(
            text=" ".join(sentence for _, sentence, _ in best),
            sources=tuple(source for _, _, source in best),
            retrieval=retrieval,
        )

    def _embedded_sentences(self, passage: str) -> tuple[tuple[str, np.ndarray], ...]:
        """A passage's sentences (each line split further) with their vectors; cached per passage."""
        lines = [line.strip() for line in passage.splitlines() if line.strip()]
        sentences = [s.strip() for line in lines for s in self._split(line) if s.strip()]
        vectors = self._embedder.get_text_embedding_batch(sentences) if sentences else []
        return tuple(
            (s, np.asarray(v, dtype=np.float32)) for s, v in zip(sentences, vectors, strict=True)
        )


def _fresh_collection():
    """In-memory clients share one store per process: drop what an earlier build left there."""
    client = chromadb.EphemeralClient()
    with contextlib.suppress(Exception):  # chromadb raises several types for "no such collection"
        client.delete_collection(COLLECTION)
    return client.create_collection(COLLECTION)
