"""The composition root: Settings -> Engine (model, index, retriever, answerers), and Engine.answer.

Everything the answer path needs is built here once; every other function takes what it needs as
arguments. Order of a turn: clean input -> safety checks -> retrieval -> answerer -> checks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from llama_index.core.base.embeddings.base import BaseEmbedding

from index import store
from index.embed import load_embedder, tokenizer_words
from index.types import Article
from rag import safety
from rag.corpus import Corpus, corpus_of
from rag.extractive import answer_extractively
from rag.llm import LlmAnswerer, build_llm_answerer
from rag.query import PreparedQuestion, clean_input, prepare
from rag.retrieve import HybridRetriever, RetrievalMode
from rag.settings import Settings
from rag.types import Answer, RetrievedChunk, SourceInfo

log = logging.getLogger("strikeqa")
EMPTY_REPLY = "Please type a question about the Kaiser mental health workers' strike, for example: “Will my appointment be affected?”"
FIXED_REPLIES = {
    "injection": safety.INJECTION_REPLY,
    "spanish": safety.SPANISH_REPLY,
    "other_language": safety.OTHER_LANGUAGE_REPLY,
}


@dataclass
class Engine:
    settings: Settings
    retriever: HybridRetriever
    corpus: Corpus
    llm: LlmAnswerer | None

    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        started = time.perf_counter()
        result = self._answer(question, history)
        latency_ms = (time.perf_counter() - started) * 1000
        log.info(
            "answered (%d chars) in %.0f ms, refused=%s safety=%s",
            len(question),
            latency_ms,
            result.refused,
            result.safety,
        )
        if self.settings.debug_log_questions:
            log.debug("question: %r", question)
        return replace(result, latency_ms=latency_ms)

    def _answer(self, question: str, history: Sequence[str]) -> Answer:
        text, _ = clean_input(question or "", self.settings.max_question_chars)
        if not any(ch.isalnum() for ch in text):
            return Answer(
                text, EMPTY_REPLY, (), refused=True, safety="invalid_input", mode="extractive"
            )
        label = safety.classify(text)
        if label == "injection":
            return self._despite_injection(text, history)
        if label in FIXED_REPLIES:
            return Answer(
                text, FIXED_REPLIES[label], (), refused=True, safety=label, mode="extractive"
            )
        grounded = self._grounded(text, history)
        if label == "crisis":
            return _prefixed(grounded, safety.CRISIS_REPLY, "crisis")
        if label == "medical_advice":
            return _prefixed(grounded, safety.MEDICAL_REPLY, "medical_advice")
        return grounded

    @property
    def articles(self) -> Mapping[str, Article]:
        return self.corpus.articles

    @property
    def sources(self) -> tuple[SourceInfo, ...]:
        """Every indexed article, for "what I know"."""
        return tuple(self.corpus.sources.values())

    def _despite_injection(self, text: str, history: Sequence[str]) -> Answer:
        """Instructions in the message are not obeyed; a real question left in it is answered."""
        question = safety.without_instructions(text)
        if not any(ch.isalnum() for ch in question):
            return Answer(
                text,
                safety.INJECTION_REPLY,
                (),
                refused=True,
                safety="injection",
                mode="extractive",
            )
        answer = self._grounded(question, history)
        return replace(
            answer,
            question=text,
            text=f"{safety.INJECTION_NOTE}\n\n{answer.text}",
            safety="injection",
        )

    def retrieve(
        self, text: str, history: Sequence[str] = ()
    ) -> tuple[PreparedQuestion, tuple[RetrievedChunk, ...]]:
        """The question as retrieval sees it (shorthand expanded, history folded in), and its hits."""
        prepared = prepare(text, history, self.corpus.lexicon, self.settings.max_question_chars)
        hits = self.retriever.retrieve(
            prepared.dense_query, prepared.retrieval_query, self.settings.top_k
        )
        return prepared, hits

    def _grounded(self, text: str, history: Sequence[str]) -> Answer:
        prepared, hits = self.retrieve(text, history)
        extractive = answer_extractively(prepared, hits, self.retriever, self.corpus, self.settings)
        answer = (
            self.llm.answer(prepared, hits, extractive)
            if self.llm and not extractive.refused
            else extractive
        )
        return replace(answer, retrieved=hits)


def build_engine(
    settings: Settings, embedder: BaseEmbedding | None = None, mode: RetrievalMode = "hybrid"
) -> Engine:
    """Open the committed index and wire everything; IndexUnavailable says how to fix a bad index."""
    client = store.open_client(settings)
    collection = store.open_collection(client, settings)
    state = store.read_state(client, settings)
    if state is None:
        raise store.IndexUnavailable(f"no index has been built yet; {store.REBUILD_HINT}")
    if state.embed_model != settings.embed_model:
        raise store.IndexUnavailable(
            f"the index was built with {state.embed_model} but {settings.embed_model} is configured; "
            f"{store.REBUILD_HINT}"
        )
    try:
        retriever = HybridRetriever(
            state,
            collection,
            embedder or load_embedder(settings.embed_model, settings.model_cache_dir),
            mode,
        )
    except (KeyError, ValueError) as error:
        raise store.IndexUnavailable(
            f"the index is incomplete ({error}); {store.REBUILD_HINT}"
        ) from error
    return Engine(
        settings=settings,
        retriever=retriever,
        corpus=corpus_of(state, tokenizer_words(settings.embed_model)),
        llm=build_llm_answerer(settings) if settings.answer_mode == "llm" else None,
    )


def _prefixed(answer: Answer, notice: str, label: str) -> Answer:
    """The safety block first; article facts follow only where the articles cover the question."""
    text = notice if answer.refused else f"{notice}\n\n{answer.text}"
    return replace(answer, text=text, safety=label, refused=answer.refused)
