"""The naive LlamaIndex pipeline of the starter tutorial, retrieval only: question -> Retrieval.

Raw *.txt files (boilerplate and all) through SimpleDirectoryReader, the default SentenceSplitter,
the same MiniLM embedder, an in-memory Chroma collection, VectorStoreIndex, top 2. It sees the
question alone (no conversation history), as that pipeline would. No LLM, no Settings globals.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import chromadb
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.vector_stores.chroma import ChromaVectorStore

from evals.types import Retrieval

COLLECTION = "strikeqa-naive-baseline"
TOP_K = 2  # the tutorial's similarity_top_k


class NaiveBaseline:
    def __init__(self, articles_dir: Path, embedder: BaseEmbedding):
        documents = SimpleDirectoryReader(str(articles_dir), required_exts=[".txt"]).load_data()
        store = ChromaVectorStore(chroma_collection=_fresh_collection())
        index = VectorStoreIndex.from_documents(
            documents,
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embedder,
            transformations=[SentenceSplitter()],
        )
        self._retriever: BaseRetriever = index.as_retriever(similarity_top_k=TOP_K)

    def retrieve(self, question: str) -> Retrieval:
        nodes = self._retriever.retrieve(question)
        return Retrieval(
            sources=tuple(str(n.node.metadata.get("file_name", "")) for n in nodes),
            texts=tuple(n.node.get_content() for n in nodes),
        )


def _fresh_collection():
    """In-memory clients share one store per process: drop what an earlier build left there."""
    client = chromadb.EphemeralClient()
    with contextlib.suppress(Exception):  # chromadb raises several types for "no such collection"
        client.delete_collection(COLLECTION)
    return client.create_collection(COLLECTION)
