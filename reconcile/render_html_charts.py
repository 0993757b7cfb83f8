"""The HTML report's inline SVG charts: accuracy bars and the trend across reconciles.

Labels are laid out from their length, never cut: the label column is as wide as the longest
label (a field path is read from its start, so cutting it from the left hid what it was), and
a trend of one reconcile is a dot with its values, not a line to nowhere.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from sync.state import ReconcileSummary

# 12 px system-ui averages under 7 px a character; 7.5 leaves room for wide glyphs (W, M, %).
CHAR_W = 7.5
_BAR_W, _ROW_H, _VALUE_W = 420, 22, 64
_TREND_W, _TREND_H, _PAD, _AXIS_W = 720, 200, 40, 64


def esc(value: Any) -> str:
    """`value` as HTML text, quotes escaped too (every HTML renderer goes through this)."""
    return html.escape(str(value), quote=True)


def pct(value: float) -> str:
    return f"{value:.2%}"


def text_width(text: str) -> int:
    """A generous estimate of `text`'s width in the charts' 12 px font."""
    return math.ceil(len(text) * CHAR_W)


def bar_chart(chart_id: str, items: Sequence[tuple[str, float]], threshold: float) -> str:
    """Horizontal bars of ratios in [0, 1], red below `threshold`, with a dashed threshold."""
    label_w = max(120, max((text_width(label) for label, _ in items), default=0) + 12)
    height = _ROW_H * len(items) + 26
    width = label_w + _BAR_W + _VALUE_W
    parts = [
        f'<figure><svg id="{esc(chart_id)}" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, ratio) in enumerate(items):
        y = i * _ROW_H + 4
        state = "ok" if ratio >= threshold else "low"
        parts.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
            f"{esc(label)}</text>"
            f'<rect class="bar {state}" x="{label_w}" y="{y}" width="{ratio * _BAR_W:.1f}" '
            f'height="{_ROW_H - 6}"><title>{esc(label)}: {pct(ratio)}</title></rect>'
            f'<text class="value" x="{label_w + _BAR_W + 6}" y="{y + 13}">{pct(ratio)}</text>'
        )
    x = label_w + threshold * _BAR_W
    bottom = _ROW_H * len(items) + 4
    # The value column sits right of the whole bar area, so the threshold's caption (below
    # the last bar, anchored at its line's end) meets no other label.
    parts.append(
        f'<line class="threshold" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}"/>'
        f'<text class="label" x="{x:.1f}" y="{bottom + 16}" text-anchor="end">'
        f"needs {pct(threshold)}</text></svg></figure>"
    )
    return "".join(parts)


def trend_chart(chart_id: str, flow: str, items: Sequence[ReconcileSummary]) -> str:
    """Record accuracy (solid) and field accuracy (dashed) over time, one dot per reconcile;
    a single reconcile is one dot with its values written beside it."""
    low = min(0.9, *(min(s.record_accuracy, s.field_accuracy) for s in items))
    span = 1.0 - low or 1.0
    plot_w = _TREND_W - _AXIS_W - _PAD
    step = plot_w / max(len(items) - 1, 1)

    def xy(i: int, ratio: float) -> tuple[float, float]:
        x = _AXIS_W + (plot_w / 2 if len(items) == 1 else i * step)
        return x, _PAD / 2 + (1.0 - ratio) / span * (_TREND_H - _PAD * 1.5)

    top, bottom = xy(0, 1.0)[1], xy(0, low)[1]
    parts = [
        f'<figure><svg id="{esc(chart_id)}" class="chart trend-chart" role="img" '
        f'width="{_TREND_W}" height="{_TREND_H}" viewBox="0 0 {_TREND_W} {_TREND_H}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="{_AXIS_W}" y1="{top:.1f}" x2="{_TREND_W - _PAD}" y2="{top:.1f}"/>',
        f'<text class="label" x="{_AXIS_W - 6}" y="{top + 4:.1f}" text-anchor="end">100%</text>',
        f'<text class="label" x="{_AXIS_W - 6}" y="{bottom + 4:.1f}" text-anchor="end">'
        f"{pct(low)}</text>",
    ]
    if len(items) > 1:
        for name in ("record", "field"):
            points = " ".join("{:.1f},{:.1f}".format(*xy(i, getattr(s, f"{name}_accuracy")))
                              for i, s in enumerate(items))  # fmt: skip
            parts.append(f'<polyline class="trend {name}" points="{points}"/>')
    for i, s in enumerate(items):
        parts.append(_trend_point(flow, s, *xy(i, s.record_accuracy)))
    if len(items) == 1:
        x, y = xy(0, items[0].record_accuracy)
        parts.append(
            f'<text class="label point-value" x="{x + 10:.1f}" y="{y + 4:.1f}">record '
            f"{pct(items[0].record_accuracy)}, field {pct(items[0].field_accuracy)}</text>"
        )
    parts.append(_trend_dates(items, xy))
    count = "1 reconcile" if len(items) == 1 else f"{len(items)} reconciles"
    lines = "" if len(items) == 1 else ": record accuracy (solid), field accuracy (dashed)"
    parts.append(
        f"</svg><figcaption>{count}{lines}; red dots are reconciles where this flow failed a "
        "check</figcaption></figure>"
    )
    return "".join(parts)


def _trend_point(flow: str, s: ReconcileSummary, x: float, y: float) -> str:
    tip = (
        f"{flow} {s.generated_at.isoformat(timespec='seconds')}: record "
        f"{pct(s.record_accuracy)}, field {pct(s.field_accuracy)}, {s.verdict}"
    )
    return (
        f'<circle class="point{"" if s.passed else " nogo"}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
        f"<title>{esc(tip)}</title></circle>"
    )


def _trend_dates(items: Sequence[ReconcileSummary], xy: Any) -> str:
    """The first and last dates under the axis; one date under a single dot."""
    first, last = items[0].generated_at.date(), items[-1].generated_at.date()
    y = _TREND_H - 6
    if len(items) == 1 or first == last:
        x = xy(0, 1.0)[0] if len(items) == 1 else _TREND_W / 2
        return f'<text class="label" x="{x:.1f}" y="{y}" text-anchor="middle">{esc(first)}</text>'
    return (
        f'<text class="label" x="{_AXIS_W}" y="{y}">{esc(first.isoformat())}</text>'
        f'<text class="label" x="{_TREND_W - _PAD}" y="{y}" text-anchor="end">'
        f"{esc(last.isoformat())}</text>"
    )
