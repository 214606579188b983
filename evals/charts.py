"""Inline SVG charts for the HTML report, drawn by hand: no scripts, no fonts, no external files."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

WIDTH = 560
ROW_PX = 26
LABEL_PX = 130
BAR_COLOR = "#3b6ea5"
MISS_COLOR = "#b8473a"
SERIES_COLORS = ("#3b6ea5", "#c98a2b", "#5a9a5a", "#8a5aa5", "#777777")


Series = Sequence[tuple[str, float | None]]  # (label, value in 0..1 or None)


def share_bars(rows: Series, minimums: Mapping[str, float], title: str) -> str:
    """One horizontal bar per row (0..1); a row below its minimum is red, the minimum a tick."""
    plot = WIDTH - LABEL_PX - 60
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 8 + i * ROW_PX
        minimum = minimums.get(label)
        color = MISS_COLOR if minimum is not None and (value or 0) < minimum else BAR_COLOR
        parts.append(_text(LABEL_PX - 6, y + 14, label, anchor="end"))
        parts.append(_rect(LABEL_PX, y, plot * (value or 0), ROW_PX - 8, color))
        parts.append(_text(LABEL_PX + plot * (value or 0) + 4, y + 14, _percent(value)))
        if minimum is not None:
            x = LABEL_PX + plot * minimum
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + ROW_PX - 6}" '
                'stroke="#222" stroke-width="2"/>'
            )
    return _svg(title, 16 + len(rows) * ROW_PX, parts)


def grouped_bars(groups: Sequence[tuple[str, Series]], title: str) -> str:
    """Metrics (groups) side by side for several series, e.g. hit@k for each retriever; 0..1."""
    series = list(dict.fromkeys(name for _, values in groups for name, _ in values))
    bar = (WIDTH - 60) / max(1, len(groups)) / (len(series) + 1)
    height = 170
    parts = _gridlines(height - 30, height - 50)
    for g, (metric, values) in enumerate(groups):
        x0 = 40 + g * bar * (len(series) + 1)
        parts.append(_text(x0 + bar * len(series) / 2, height - 14, metric, anchor="middle"))
        for name, value in values:
            x, h = x0 + series.index(name) * bar, (height - 50) * (value or 0)
            color = SERIES_COLORS[series.index(name) % len(SERIES_COLORS)]
            parts.append(_rect(x, height - 30 - h, bar - 2, h, color, f"{name}: {_percent(value)}"))
    parts += _legend(series, height)
    return _svg(title, height + 22, parts)


def histogram(values: Sequence[float], title: str, unit: str = "ms", bins: int = 12) -> str:
    """Counts of values in equal-width bins from 0 to the maximum."""
    if not values:
        return _svg(title, 30, [_text(10, 20, "no values")])
    top = max(values) or 1.0
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, math.floor(value / top * bins))] += 1
    width, height, tallest = (WIDTH - 60) / bins, 150, max(counts)
    parts = [f'<line x1="40" y1="{height}" x2="{WIDTH - 20}" y2="{height}" stroke="#999"/>']
    for i, count in enumerate(counts):
        h = (height - 20) * count / tallest
        low, high = top * i / bins, top * (i + 1) / bins
        parts.append(
            _rect(
                40 + i * width,
                height - h,
                width - 2,
                h,
                BAR_COLOR,
                f"{low:.0f}–{high:.0f} {unit}: {count}",
            )
        )
    parts.append(_text(40, 12, f"tallest bar: {tallest} of {len(values)}"))
    parts.append(_text(40, height + 16, f"0 {unit}"))
    parts.append(_text(WIDTH - 20, height + 16, f"{top:.0f} {unit}", anchor="end"))
    return _svg(title, height + 24, parts)


def _gridlines(bottom: float, span: float) -> list[str]:
    """Horizontal lines at 0, 50% and 100% of a 0..1 axis, labelled on the left."""
    parts = []
    for share in (0.0, 0.5, 1.0):
        y = bottom - span * share
        parts.append(f'<line x1="40" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(_text(34, y + 4, f"{share:.0%}", anchor="end"))
    return parts


def _legend(series: Sequence[str], top: int) -> list[str]:
    parts, x = [], 40.0
    for i, name in enumerate(series):
        parts.append(_rect(x, top + 4, 10, 10, SERIES_COLORS[i % len(SERIES_COLORS)]))
        parts.append(_text(x + 14, top + 13, name))
        x += 30 + 6.5 * len(name)  # ~6.5 px per character at 12 px sans-serif
    return parts


def _svg(title: str, height: float, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" font-family="sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def _rect(x: float, y: float, w: float, h: float, color: str, tip: str | None = None) -> str:
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{color}">{inner}</rect>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"
