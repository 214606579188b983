"""All settings of strikeqa: the index's plus answering's, env prefix STRIKEQA_, read once."""

from __future__ import annotations

from typing import Literal

from index.settings import IndexSettings


class Settings(IndexSettings):
    answer_mode: Literal["extractive", "llm"] = "extractive"
    top_k: int = 10  # fused chunks handed to the answerer
    max_question_chars: int = 2000  # longer questions are cut here (bounded time)
    max_answer_sentences: int = 3
    # Refusal calibration (evals/cases.yaml dev cases; see README "Answering"):
    refuse_below_cosine: float = (
        0.30  # no chunk this close to the question: the articles don't cover it...
    )
    rescue_term_share: float = 0.6  # ...unless one chunk holds this share of the question's terms
    # Optional generative answerer (OpenAI-compatible endpoint or Ollama), verified before shown:
    llm_provider: Literal["openai", "ollama"] = "openai"
    llm_base_url: str | None = (
        None  # e.g. http://127.0.0.1:8080/v1 (llama.cpp server, vLLM, OpenAI)
    )
    llm_model: str = "local-model"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 20.0
    llm_min_supported_sentences: int = 1
    feedback_file: str = "feedback.jsonl"  # under data_dir
    debug_log_questions: bool = False  # logs carry full questions only when this is on
