"""EvalReport -> the run's four files: results.jsonl, summary.json, report.md, report.html.

Markdown and HTML show the same tables; the HTML is one self-contained file (inline CSS and SVG,
no scripts) with every piece of case or answer text passed through html.escape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from evals import charts
from evals.metrics import retrieval_fields
from evals.summary import RETRIEVER_LABELS, result_record, summary_of
from evals.thresholds import THRESHOLDS
from evals.types import CaseRun, EvalReport, Rate, RetrievalScore

STYLE = """body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}th{background:#f2f2f2}
.bad{color:#b8473a;font-weight:bold}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.5rem;border-left:3px solid #ccc}
.case{border-top:1px solid #ddd;padding-top:.5rem}"""


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def write_outputs(report: EvalReport, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(result_record(run), ensure_ascii=False) for run in report.runs]
    (out_dir / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = json.dumps(summary_of(report), indent=2, ensure_ascii=False)
    (out_dir / "summary.json").write_text(summary + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(report), encoding="utf-8")


RETRIEVAL_HEADER = ("retriever", "cases", "hit@1", "hit@3", "hit@5", "MRR", "boilerplate hits")


def tables(report: EvalReport) -> tuple[Table, ...]:
    """Every table of the report, in order; markdown, HTML and the CLI print the same ones."""
    return (
        _threshold_table(report),
        _pass_table(report),
        _citation_table(report),
        Table(
            "Retrieval: ours vs the naive LlamaIndex pipeline",
            RETRIEVAL_HEADER,
            tuple(_score_row(RETRIEVER_LABELS.get(name, name), s) for name, s in report.retrieval),
        ),
        Table(
            "Retrieval by mode (same cases)",
            RETRIEVAL_HEADER,
            tuple(_score_row(mode, s) for mode, s in report.retrieval_by_mode),
        ),
        _latency_table(report),
        *_judge_tables(report),
    )


def _threshold_table(report: EvalReport) -> Table:
    return Table(
        "Thresholds",
        ("metric", "minimum", "actual", "met"),
        tuple(
            (t.metric, _share(t.minimum), _share(t.actual), "yes" if t.met else "NO")
            for t in report.thresholds
        ),
    )


def _pass_table(report: EvalReport) -> Table:
    return Table(
        "Pass rate by kind",
        ("kind", "passed", "total", "rate"),
        tuple(
            (kind, str(rate.hits), str(rate.total), _share(rate.value))
            for kind, rate in (*report.pass_rates, ("all", report.overall))
        ),
    )


def _citation_table(report: EvalReport) -> Table:
    return Table(
        "Citations",
        ("metric", "good", "of", "rate"),
        (
            _rate_row(
                "validity (every [n] resolves, quote verbatim at its offsets)",
                report.citation_validity,
            ),
            _rate_row("support (a cited quote holds the fact's value)", report.citation_support),
        ),
    )


def _latency_table(report: EvalReport) -> Table:
    latency = report.latency
    row = (str(latency.count), _ms(latency.p50_ms), _ms(latency.p95_ms), _ms(latency.max_ms))
    return Table("Latency per answer (warm engine)", ("answers", "p50", "p95", "max"), (row,))


def render_markdown(report: EvalReport) -> str:
    parts = [f"# strikeqa eval: {_headline(report)}\n"]
    for table in tables(report):
        rule = _md_row(("---",) * len(table.header))
        parts += [f"## {table.title}\n", _md_row(table.header), rule]
        parts += [_md_row(row) for row in table.rows] + [""]
    parts.append(f"## Failures ({len(report.failed_runs)})\n")
    for run in report.failed_runs:
        parts.append(f"### {run.case.id} ({run.case.kind})\n")
        parts.append(f"**Question:** {_history(run)}{run.case.question}\n")
        quoted = "\n".join(f"> {line}" for line in run.answer.text.splitlines())
        reasons = "\n".join(f"- {failure}" for failure in run.result.failures)
        parts.append(f"**Answer:**\n\n{quoted}\n\n**Why it failed:**\n{reasons}\n")
    return "\n".join(parts) + "\n"


def render_html(report: EvalReport) -> str:
    body = [f"<h1>strikeqa eval: {escape(_headline(report))}</h1>", _charts(report)]
    body += [_html_table(table) for table in tables(report)]
    body.append(f"<h2>Failures ({len(report.failed_runs)})</h2>")
    body += [_html_failure(run) for run in report.failed_runs]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>strikeqa eval report</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _charts(report: EvalReport) -> str:
    minimums = {name.split(".", 1)[1]: v for name, v in THRESHOLDS.items() if "." in name}
    rates = [(kind, rate.value) for kind, rate in report.pass_rates]
    retrievers = [(RETRIEVER_LABELS.get(n, n), s) for n, s in report.retrieval]
    retrievers += [(mode, s) for mode, s in report.retrieval_by_mode if mode != "hybrid"]
    groups = [
        (metric, [(name, dict(retrieval_fields(s))[metric]) for name, s in retrievers])
        for metric in ("hit@1", "hit@3", "hit@5", "mrr")
    ]
    latencies = [run.answer.latency_ms for run in report.runs]
    return (
        "<h2>Pass rate by kind</h2>"
        + charts.share_bars(rates, minimums, "pass rate by kind")
        + "<h2>Retrieval</h2>"
        + charts.grouped_bars(groups, "retrieval hit@k and MRR")
        + "<h2>Latency</h2>"
        + charts.histogram(latencies, "answer latency histogram")
    )


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in table.header)
    rows = "".join(
        "<tr>" + "".join(f"<td{_flag(cell)}>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    return f"<h2>{escape(table.title)}</h2><table><tr>{head}</tr>{rows}</table>"


def _html_failure(run: CaseRun) -> str:
    reasons = "".join(f"<li>{escape(f)}</li>" for f in run.result.failures)
    return (
        f'<div class="case"><h3>{escape(run.case.id)} <small>({escape(run.case.kind)})</small></h3>'
        f"<p><b>Question:</b> {escape(_history(run) + run.case.question)}</p>"
        f"<p><b>Answer:</b></p><pre>{escape(run.answer.text)}</pre>"
        f'<p><b>Why it failed:</b></p><ul class="bad">{reasons}</ul></div>'
    )


def _judge_tables(report: EvalReport) -> tuple[Table, ...]:
    if report.judge is None:
        return ()
    faithful = Rate(sum(v.faithful for v in report.judge), len(report.judge))
    unfaithful = tuple((v.case_id, v.reply) for v in report.judge if not v.faithful)
    return (
        Table(
            "LLM-judged faithfulness",
            ("metric", "good", "of", "rate"),
            (_rate_row("faithful answers", faithful),),
        ),
        Table("Judged unfaithful", ("case", "judge said"), unfaithful),
    )


def _headline(report: EvalReport) -> str:
    verdict = "thresholds met" if all(t.met for t in report.thresholds) else "BELOW THRESHOLDS"
    return (
        f"{report.overall.hits}/{report.overall.total} cases passed "
        f"({_share(report.overall.value)}), {report.answer_mode} mode, {verdict}"
    )


def _history(run: CaseRun) -> str:
    return "".join(f"(earlier: {turn}) " for turn in run.case.history)


def _rate_row(label: str, rate: Rate) -> tuple[str, ...]:
    return (label, str(rate.hits), str(rate.total), _share(rate.value))


def _score_row(label: str, score: RetrievalScore) -> tuple[str, ...]:
    values = [_share(v) if name != "mrr" else _number(v) for name, v in retrieval_fields(score)]
    return (label, str(score.cases), *values)


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _flag(cell: str) -> str:
    return ' class="bad"' if cell == "NO" else ""


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"
