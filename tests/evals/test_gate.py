"""The CI gate: the committed suite, run once in-process, meets every bar in evals/thresholds.py.

It runs over the session's tmp build of the real corpus (tests/conftest.py), never .strikeqa/.
"""

from __future__ import annotations

import pytest

from evals.cases import CASES_PATH, load_cases, load_facts
from evals.metrics import key_metrics
from evals.run import run_suite
from evals.thresholds import THRESHOLDS
from evals.types import CaseRun, EvalReport
from rag.settings import Settings


@pytest.fixture(scope="module")
def report(built_corpus, embedder) -> EvalReport:
    index = built_corpus.settings
    settings = Settings(
        _env_file=None,
        articles_dir=index.articles_dir,
        chroma_dir=index.chroma_dir,
        chroma_host=None,
        data_dir=index.chroma_dir.parent,
        answer_mode="extractive",  # the gate is deterministic: no remote LLM
    )
    facts = load_facts()
    cases = load_cases(CASES_PATH, facts)
    return run_suite(cases, facts, settings, str(CASES_PATH), progress=False, embedder=embedder)


@pytest.mark.parametrize("metric", list(THRESHOLDS))
def test_the_committed_suite_meets_its_threshold(report, metric):
    actual = key_metrics(report)[metric]
    minimum = THRESHOLDS[metric]
    assert actual is not None, f"{metric}: the committed cases measure nothing for it"
    assert actual >= minimum - 1e-9, (
        f"{metric} is {actual:.1%}, below {minimum:.0%}; what broke:\n" + _culprits(report, metric)
    )


def _culprits(report: EvalReport, metric: str) -> str:
    if metric == "citation_validity":
        bad = [(run, run.citation_problems) for run in report.runs if run.citation_problems]
    else:
        kind = metric.partition(".")[2]  # "" for the overall pass rate: every failure counts
        failed = report.failed_runs
        bad = [(run, run.result.failures) for run in failed if kind in ("", run.case.kind)]
    return "\n".join(_line(run, reasons) for run, reasons in bad) or "(no single case to blame)"


def _line(run: CaseRun, reasons: tuple[str, ...]) -> str:
    return f"  {run.case.id}: {'; '.join(reasons)}  [asked: {run.case.question!r}]"
