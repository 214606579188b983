"""The optional generative answerer: an OpenAI-compatible endpoint or Ollama, via llama-index.

Its reply is verified before anyone sees it: every sentence must cite a passage that supports it
(its content words and every number it states appear in that passage); unsupported sentences are
dropped. Too little left, a refusal, an error or a timeout -> the extractive answer, with a notice.
Only the question and the retrieved passages are sent to the endpoint.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from llama_index.core.llms import LLM

from index.chunk import sentence_spans
from rag import cite
from rag.compose import OUT_OF_DATE, PRESENT
from rag.corpus import stems
from rag.query import STOPWORDS, PreparedQuestion
from rag.settings import Settings
from rag.types import Answer, RetrievedChunk

PROMPT = (Path(__file__).parent / "prompts" / "answer.txt").read_text(encoding="utf-8")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
MIN_SUPPORT = 0.6  # share of a sentence's content words that must be in its cited passage
FALLBACK_NOTICE = "The AI-written answer could not be checked against the articles ({why}), so this answer quotes the articles directly."


@dataclass(frozen=True, slots=True)
class VerifiedSentence:
    text: str  # without its markers
    passages: tuple[int, ...]  # 1-based indices into the hits


class LlmAnswerer:
    def __init__(self, llm, settings: Settings):
        self._llm = llm
        self._settings = settings
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")

    def answer(
        self, question: PreparedQuestion, hits: Sequence[RetrievedChunk], extractive: Answer
    ) -> Answer:
        try:
            reply = self._complete(build_prompt(question.text, hits))
        except (
            Exception
        ) as error:  # timeouts, refused connections, bad responses: all mean fall back
            return _fallback(extractive, _reason(error))
        if "NOT IN ARTICLES" in reply:
            return _fallback(extractive, "the model found no answer in the articles")
        sentences = verify_reply(reply, hits)
        if len(sentences) < self._settings.llm_min_supported_sentences:
            return _fallback(extractive, "its sentences were not supported by the cited passages")
        return _llm_answer(question, sentences, hits)

    def _complete(self, prompt: str) -> str:
        future = self._pool.submit(lambda: str(self._llm.complete(prompt).text))
        return future.result(timeout=self._settings.llm_timeout_s)


def build_llm_answerer(settings: Settings) -> LlmAnswerer | None:
    if not settings.llm_base_url:
        return None
    llm: LLM
    if settings.llm_provider == "ollama":
        from llama_index.llms.ollama import Ollama

        llm = Ollama(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            request_timeout=settings.llm_timeout_s,
        )
    else:
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(
            model=settings.llm_model,
            api_base=settings.llm_base_url,
            api_key=settings.llm_api_key,
            is_chat_model=True,
            timeout=settings.llm_timeout_s,
            max_retries=0,
            temperature=0.0,
        )
    return LlmAnswerer(llm, settings)


def build_prompt(question: str, hits: Sequence[RetrievedChunk]) -> str:
    passages = "\n".join(f"[{i}] {hit.chunk.text}" for i, hit in enumerate(hits, start=1))
    return PROMPT.format(passages=passages, question=question)


def verify_reply(reply: str, hits: Sequence[RetrievedChunk]) -> list[VerifiedSentence]:
    """The reply's sentences that cite existing passages which support them."""
    verified = []
    for start, end in sentence_spans(" ".join(reply.split())):
        sentence = " ".join(reply.split())[start:end]
        numbers = tuple(n for n in cite.cited_numbers(sentence) if 1 <= n <= len(hits))
        claim = cite.MARKER.sub("", sentence).strip()
        if numbers and claim and _supported(claim, [hits[n - 1].chunk.text for n in numbers]):
            verified.append(VerifiedSentence(claim, numbers))
    return verified


def _supported(claim: str, passages: list[str]) -> bool:
    evidence = " ".join(passages)
    words = {w for w in stems(claim) if w not in STOPWORDS}
    if not words:
        return False
    numbers_ok = all(n in evidence for n in NUMBER.findall(claim))
    return numbers_ok and len(words & stems(evidence)) / len(words) >= MIN_SUPPORT


def _llm_answer(
    question: PreparedQuestion, sentences: list[VerifiedSentence], hits: Sequence[RetrievedChunk]
) -> Answer:
    order: dict[int, int] = {}
    for sentence in sentences:
        for passage in sentence.passages:
            order.setdefault(passage, len(order) + 1)
    citations = tuple(cite.citation_for(n, hits[p - 1], ()) for p, n in order.items())
    body = " ".join(f"{s.text} " + "".join(f"[{order[p]}]" for p in s.passages) for s in sentences)
    lines = [body, cite.dating_line(citations)]
    if PRESENT.search(question.text):
        lines.append(OUT_OF_DATE)
    return Answer(
        question.text, "\n\n".join(lines), citations, refused=False, safety=None, mode="llm"
    )


def _fallback(extractive: Answer, why: str) -> Answer:
    return replace(
        extractive, mode="llm->extractive fallback", notice=FALLBACK_NOTICE.format(why=why)
    )


def _reason(error: Exception) -> str:
    if isinstance(error, concurrent.futures.TimeoutError):
        return "the model did not reply in time"
    return "the model could not be reached"
