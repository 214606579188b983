"""`python -m evals run|compare|chunk-sizes|bench`: score the answerer on a case file, or diff two summaries.

Exit codes: 0 done, 1 a regression beyond the tolerance (--compare), 2 unusable input (a
malformed case file, an unreadable summary, no index). Being below the gate's thresholds is
reported, not an error here: the pytest gate (tests/evals/test_gate.py) is what fails on it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from evals.cases import CASES_PATH, CaseFileError, load_cases, load_facts
from evals.compare import SummaryError, compare_metrics, format_deltas, read_metrics

USAGE_ERROR = 2
REGRESSION = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (CaseFileError, SummaryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR


def cmd_run(args: argparse.Namespace) -> int:
    facts = load_facts()
    cases = load_cases(args.cases, facts)  # before any model loads: a bad file fails in a second
    old = read_metrics(args.compare) if args.compare else None
    from evals.metrics import key_metrics  # torch and chroma load only once the input is good
    from evals.report import write_outputs
    from evals.run import run_suite
    from index.store import IndexUnavailable
    from rag.settings import Settings

    settings = Settings(answer_mode=args.mode) if args.mode else Settings()
    _explain_llm_options(settings, args.judge)
    try:
        report = run_suite(cases, facts, settings, str(args.cases), progress=True, judge=args.judge)
    except IndexUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    write_outputs(report, args.out)
    _print_summary(report, args.out)
    return _compared(old, key_metrics(report)) if old is not None else 0


def cmd_chunk_sizes(args: argparse.Namespace) -> int:
    from evals.chunk_sizes import format_rows, measure_chunk_sizes

    cases = load_cases(args.cases, load_facts())
    print(format_rows(measure_chunk_sizes(cases, args.sizes)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from evals.bench.report import bench_json, render_markdown
    from evals.bench.run import BenchOptions, run_bench

    options = BenchOptions(
        scales=tuple(args.scales),
        server_scales=tuple(args.server_scales),
        rounds=args.rounds,
        profile=args.profile,
        retrievers_at=args.retrievers_at,
    )
    report = run_bench(options)
    print(render_markdown(report))
    args.out.write_text(json.dumps(bench_json(report), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    return _compared(read_metrics(args.old), read_metrics(args.new))


def _compared(old: Mapping[str, float | None], new: Mapping[str, float | None]) -> int:
    deltas = compare_metrics(old, new)
    print(format_deltas(deltas))
    regressed = [d.metric for d in deltas if d.regressed]
    if regressed:
        print(f"regression beyond tolerance in: {', '.join(regressed)}")
        return REGRESSION
    print("no regression beyond tolerance")
    return 0


def _explain_llm_options(settings, judge: bool) -> None:
    if settings.answer_mode == "llm" and not settings.llm_base_url:
        print("note: --mode llm without STRIKEQA_LLM_BASE_URL: the extractive answerer answers")
    if judge and not settings.llm_base_url:
        print("--judge skipped: no LLM is configured (set STRIKEQA_LLM_BASE_URL to enable it)")


def _print_summary(report, out_dir: Path) -> None:
    from evals.report import render_markdown

    tables = render_markdown(report).split("\n## Failures")[0]
    print(tables)
    for run in report.failed_runs:
        print(f"FAIL {run.case.id} ({run.case.kind}): {'; '.join(run.result.failures)}")
    names = ("results.jsonl", "summary.json", "report.md", "report.html")
    print("wrote " + ", ".join(str(out_dir / name) for name in names))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")
    run = commands.add_parser("run", help="answer every case and write the four report files")
    run.add_argument("--cases", type=Path, default=CASES_PATH, help="case file (YAML)")
    run.add_argument("--mode", choices=("extractive", "llm"), help="answerer (default: settings)")
    run.add_argument("--out", type=Path, default=Path("eval-out"), help="output folder")
    run.add_argument(
        "--compare",
        type=Path,
        metavar="OLD_SUMMARY.json",
        help="print deltas against an earlier run; exit 1 on a regression",
    )
    run.add_argument(
        "--judge",
        action="store_true",
        help="add LLM-judged faithfulness (only when an LLM is configured)",
    )
    run.set_defaults(command=cmd_run)
    sizes = commands.add_parser("chunk-sizes", help="retrieval quality for several chunk sizes")
    sizes.add_argument("--cases", type=Path, default=CASES_PATH, help="case file (YAML)")
    sizes.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 5])
    sizes.set_defaults(command=cmd_chunk_sizes)
    bench = commands.add_parser(
        "bench", help="quality, speed and scaling of strikeqa beside its baselines (make bench)"
    )
    bench.add_argument("--scales", type=int, nargs="*", default=[10, 100, 1000])
    bench.add_argument("--server-scales", type=int, nargs="*", default=[1, 100])
    bench.add_argument("--rounds", type=int, default=3, help="passes over the eval cases")
    bench.add_argument(
        "--retrievers-at",
        type=int,
        default=10,
        help="the larger corpus where bm25-only and dense-only run again (one of --scales)",
    )
    bench.add_argument("--out", type=Path, default=Path("bench.json"))
    bench.add_argument("--profile", type=Path, help="pyinstrument profile of the warm answers")
    bench.set_defaults(command=cmd_bench)
    compare = commands.add_parser("compare", help="deltas between two summary.json files")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    compare.set_defaults(command=cmd_compare)
    return parser


if __name__ == "__main__":
    sys.exit(main())
