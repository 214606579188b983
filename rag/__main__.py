"""`python -m rag ask|chat`: answers from the shell, as text or JSON (the benchmark: `python -m evals bench`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from index.store import IndexUnavailable
from rag.engine import Engine, build_engine
from rag.settings import Settings
from rag.types import Answer


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings(**({"answer_mode": args.mode} if getattr(args, "mode", None) else {}))
    if args.command == "ask" and not args.question.strip():
        print(
            'error: the question is empty; ask something like: python -m rag ask "Will my appointment be affected?"',
            file=sys.stderr,
        )
        return 2
    try:
        return COMMANDS[args.command](build_engine(settings), args)
    except IndexUnavailable as error:  # also mid-command: a Chroma server that went away
        print(f"error: {error}", file=sys.stderr)
        return 1


def cmd_ask(engine: Engine, args: argparse.Namespace) -> int:
    answer = engine.answer(args.question, tuple(args.history or ()))
    print(json.dumps(answer_json(answer), ensure_ascii=False) if args.json else render_text(answer))
    return 0


def cmd_chat(engine: Engine, args: argparse.Namespace) -> int:
    print("Ask about the Kaiser mental health workers' strike. Empty line or Ctrl-D to quit.")
    history: list[str] = []
    while True:
        try:
            question = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            return 0
        if not question.strip():
            return 0
        print(render_text(engine.answer(question, tuple(history))))
        history.append(question)


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "safety": answer.safety,
        "mode": answer.mode,
        "notice": answer.notice,
        "latency_ms": round(answer.latency_ms, 1),
        "citations": [
            {
                "n": c.n,
                "article_id": c.article_id,
                "source_file": c.source_file,
                "outlet": c.outlet,
                "title": c.title,
                "published": _iso(c.published),
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
            }
            for c in answer.citations
        ],
    }


def render_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.notice:
        lines.insert(0, f"Note: {answer.notice}")
    for c in answer.citations:
        lines.append(
            f"[{c.n}] {c.outlet or 'Unnamed outlet'}, {_iso(c.published) or 'undated'} ({c.source_file}): “{c.quote}”"
        )
    return "\n\n".join(lines)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument(
        "--history", action="append", help="an earlier user turn (repeat, oldest first)"
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--mode", choices=["extractive", "llm"])
    chat = commands.add_parser("chat", help="a conversation in the terminal")
    chat.add_argument("--mode", choices=["extractive", "llm"])
    return parser


COMMANDS = {"ask": cmd_ask, "chat": cmd_chat}

if __name__ == "__main__":
    sys.exit(main())
