"""--compare: two summary.json "metrics" maps -> Deltas, and whether any is a regression."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evals.thresholds import HIGHER_IS_BETTER, INFORMATIONAL, LOWER_IS_BETTER, REGRESSION_TOLERANCE


class SummaryError(ValueError):
    """An old summary that cannot be compared; str() says which file and why."""


@dataclass(frozen=True, slots=True)
class Delta:
    metric: str
    old: float | None
    new: float | None
    regressed: bool  # worse by more than the tolerance

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


def read_metrics(path: Path) -> dict[str, float | None]:
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))["metrics"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        why = f"not a summary.json from `python -m evals run` ({error})"
        raise SummaryError(f"{path}: {why}") from None
    if not isinstance(metrics, dict):
        raise SummaryError(f"{path}: 'metrics' is not a mapping")
    return metrics


def compare_metrics(
    old: Mapping[str, float | None],
    new: Mapping[str, float | None],
    tolerance: float = REGRESSION_TOLERANCE,
) -> tuple[Delta, ...]:
    """Every metric either run has, in a stable order; only gated metrics can regress."""
    known = (*HIGHER_IS_BETTER, *LOWER_IS_BETTER, *INFORMATIONAL)
    return tuple(
        Delta(name, old.get(name), new.get(name), _regressed(name, old, new, tolerance))
        for name in known
        if name in old or name in new
    )


def format_deltas(deltas: tuple[Delta, ...]) -> str:
    lines = [f"{'metric':<32}{'old':>10}{'new':>10}{'change':>10}"]
    for d in deltas:
        flag = "  REGRESSION" if d.regressed else ""
        cells = [_fmt(d.metric, v, "") for v in (d.old, d.new)] + [_fmt(d.metric, d.change, "+")]
        lines.append(f"{d.metric:<32}" + "".join(f"{cell:>10}" for cell in cells) + flag)
    return "\n".join(lines)


def _regressed(name: str, old: Mapping, new: Mapping, tolerance: float) -> bool:
    before, after = old.get(name), new.get(name)
    if before is None or after is None or name in INFORMATIONAL:
        return False
    worse_by = after - before if name in LOWER_IS_BETTER else before - after
    return worse_by > tolerance + 1e-9


def _fmt(metric: str, value: float | None, sign: str) -> str:
    """Shares to three places, milliseconds whole; sign "+" shows the sign of a change."""
    if value is None:
        return "n/a"
    return f"{value:{sign}.0f}" if metric.endswith("_ms") else f"{value:{sign}.3f}"
