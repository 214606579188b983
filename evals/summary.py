"""EvalReport -> plain JSON: summary.json (the numbers) and results.jsonl (one record per case)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from evals.metrics import key_metrics, retrieval_fields
from evals.types import CaseRun, EvalReport, Rate, RetrievalScore
from rag.types import Citation

RETRIEVER_LABELS = {"ours": "ours (hybrid)", "naive baseline": "naive LlamaIndex baseline"}


def summary_of(report: EvalReport) -> dict[str, Any]:
    return {
        "cases_file": report.cases_file,
        "answer_mode": report.answer_mode,
        "answered_by": dict(Counter(run.answer.mode for run in report.runs)),
        "cases": report.overall.total,
        "passed": report.overall.hits,
        "metrics": key_metrics(report),
        "pass_rate_by_kind": {kind: rate_json(rate) for kind, rate in report.pass_rates},
        "citation_validity": rate_json(report.citation_validity),
        "citation_support": rate_json(report.citation_support),
        "retrieval": {name: score_json(score) for name, score in report.retrieval},
        "retrieval_by_mode": {mode: score_json(score) for mode, score in report.retrieval_by_mode},
        "latency_ms": {
            "count": report.latency.count,
            "p50": report.latency.p50_ms,
            "p95": report.latency.p95_ms,
            "max": report.latency.max_ms,
        },
        "thresholds": [
            {"metric": t.metric, "minimum": t.minimum, "actual": t.actual, "met": t.met}
            for t in report.thresholds
        ],
        "thresholds_met": all(t.met for t in report.thresholds),
        "failures": [
            {"id": run.case.id, "kind": run.case.kind, "reasons": list(run.result.failures)}
            for run in report.failed_runs
        ],
        "judge": _judge_json(report),
    }


def result_record(run: CaseRun) -> dict[str, Any]:
    answer = run.answer
    return {
        "id": run.case.id,
        "kind": run.case.kind,
        "question": run.case.question,
        "history": list(run.case.history),
        "answer": answer.text,
        "refused": answer.refused,
        "safety": answer.safety,
        "mode": answer.mode,
        "notice": answer.notice,
        "citations": [citation_json(c) for c in answer.citations],
        "retrieved_sources": [hit.source.source_file for hit in answer.retrieved],
        "baseline_sources": list(run.baseline.sources),
        "passed": run.result.passed,
        "failures": list(run.result.failures),
        "citation_problems": list(run.citation_problems),
        "fact_supported": run.supported,
        "latency_ms": round(answer.latency_ms, 2),
    }


def citation_json(citation: Citation) -> dict[str, Any]:
    """The same shape as `rag ask --json` citations."""
    return {
        "n": citation.n,
        "article_id": citation.article_id,
        "source_file": citation.source_file,
        "outlet": citation.outlet,
        "title": citation.title,
        "published": citation.published.isoformat() if citation.published else None,
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
    }


def rate_json(rate: Rate) -> dict[str, Any]:
    return {"hits": rate.hits, "total": rate.total, "rate": rate.value}


def score_json(score: RetrievalScore) -> dict[str, Any]:
    return {"cases": score.cases, **dict(retrieval_fields(score))}


def _judge_json(report: EvalReport) -> dict[str, Any] | None:
    if report.judge is None:
        return None
    faithful = Rate(sum(v.faithful for v in report.judge), len(report.judge))
    unfaithful = [{"id": v.case_id, "reply": v.reply} for v in report.judge if not v.faithful]
    return {**rate_json(faithful), "unfaithful": unfaithful}
