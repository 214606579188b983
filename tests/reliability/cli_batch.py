"""Many `python -m rag ask` invocations in one process, so the model loads once.

`python cli_batch.py [ASK ARGS...] < calls.json`: first `ask ASK ARGS` exactly as the shell passed
them (the OS's argv bytes, decoded by Python as for `python -m rag ask`), then each argv list
(["ask", question, "--json", ...]) of the JSON list on stdin. For each it runs the CLI's own
main() for each exactly as `python -m rag` would (argparse, engine, printing through a stream
with this process's stdout encoding and error handler), and writes one JSON line per call:
{"exit": code or "exception", "stdout": ..., "stderr": ...}. Nothing is added to the CLI; only
build_engine is memoised, because every call would otherwise reload the same model and index.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import sys
import traceback

from rag import __main__ as cli


def run_one(argv: list[str]) -> dict:
    raw = io.BytesIO()
    out = io.TextIOWrapper(
        raw, encoding=sys.stdout.encoding, errors=sys.stdout.errors, write_through=True
    )
    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code: int | str = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # what a user would see as a traceback
        code = "exception"
        err.write(traceback.format_exc())
    out.flush()
    return {
        "exit": code,
        "stdout": raw.getvalue().decode("utf-8", "replace"),
        "stderr": err.getvalue(),
    }


def memoised(build):
    engines: dict[str, object] = {}

    @functools.wraps(build)
    def build_once(settings, *args, **kwargs):
        key = settings.model_dump_json()
        if key not in engines:
            engines[key] = build(settings, *args, **kwargs)
        return engines[key]

    return build_once


def main() -> int:
    cli.build_engine = memoised(cli.build_engine)
    calls = [["ask", *sys.argv[1:]]] if sys.argv[1:] else []
    for argv in calls + json.loads(sys.stdin.read()):
        print(json.dumps(run_one(argv)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
