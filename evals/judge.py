"""Optional LLM-judged faithfulness: CaseRun -> JudgeVerdict, via the configured STRIKEQA_LLM_*.

Never needed for the gate; the deterministic metrics stand alone. The judge sees only the answer
and the quotes it cites, and must reply FAITHFUL or UNFAITHFUL on its first line.
"""

from __future__ import annotations

from collections.abc import Callable

from evals.types import CaseRun, JudgeVerdict
from rag.settings import Settings

PROMPT = """You check a chatbot answer against the news quotes it cites.
Reply FAITHFUL if every claim in the answer is stated by the quotes, else UNFAITHFUL,
on the first line, then one short reason. Ignore crisis-line and safety notices.

Quotes:
{quotes}

Answer:
{answer}
"""


def build_judge(settings: Settings) -> Callable[[CaseRun], JudgeVerdict]:
    llm = _client(settings)

    def judge(run: CaseRun) -> JudgeVerdict:
        try:
            reply = str(llm.complete(judge_prompt(run)).text).strip()
        except Exception as error:  # an unreachable judge gives no verdict; it does not crash a run
            return JudgeVerdict(run.case.id, False, f"judge unavailable: {type(error).__name__}")
        first_line = (reply.splitlines() or [""])[0].strip()
        return JudgeVerdict(run.case.id, first_line.upper().startswith("FAITHFUL"), first_line)

    return judge


def judge_prompt(run: CaseRun) -> str:
    quotes = "\n".join(f"[{c.n}] {c.quote}" for c in run.answer.citations)
    return PROMPT.format(quotes=quotes, answer=run.answer.text)


def _client(settings: Settings):
    base_url = settings.llm_base_url or ""  # callers only build a judge when one is configured
    if settings.llm_provider == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=settings.llm_model,
            base_url=base_url,
            request_timeout=settings.llm_timeout_s,
        )
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.llm_model,
        api_base=base_url,
        api_key=settings.llm_api_key,
        is_chat_model=True,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0.0,
    )
