"""A soak's day-by-day timeline as inline SVG charts: a section of the HTML report.

The timeline arrives as plain JSON (what `harness soak` writes as soak.json: one row per
simulated day with its flows), so the reconciler's renderers need nothing from the harness.
Each chart draws one line per flow (or per vendor) over the days, the limit as a dashed line,
and a red band behind every day that breached; a point's tooltip gives the exact value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconcile.render_html_charts import esc

__all__ = ["timeline_section"]

_W, _H, _AXIS_W, _PAD, _BOTTOM = 760, 220, 64, 24, 36
# Distinct hues for up to ten series (then they repeat): flows are told apart by tooltip too.
_COLOURS = (
    "#0969da",
    "#8250df",
    "#1a7f37",
    "#bf8700",
    "#cf222e",
    "#0a3069",
    "#953800",
    "#6639ba",
    "#116329",
    "#57606a",
)
Series = dict[str, list[float | None]]


@dataclass(frozen=True)
class Chart:
    """One measure over the days: its series, its limit (None: none) and its scale. The y
    axis runs from `floor` (None: 0, or lower when a value is) to the highest value, the
    limit or `least_top`, whichever is highest, so a flat line of zeros still has an axis."""

    chart_id: str
    title: str
    series: Series
    fmt: Callable[[float], str]
    limit: float | None = None
    floor: float | None = None
    least_top: float = 1.0


def timeline_section(timeline: Mapping[str, Any]) -> str:
    """The "Soak timeline" section: verdict line, one chart per measure, a table of days."""
    days: Sequence[Mapping[str, Any]] = timeline.get("days", ())
    if not days:
        return '<section id="soak"><h2>Soak timeline</h2><p>No simulated day ran.</p></section>'
    labels = [f"day {d['day']}" for d in days]
    breached = [not d.get("passed", True) for d in days]
    limits = timeline.get("limits", {})
    accuracy = _per_flow(days, "record_accuracy")
    lowest = min([v for line in accuracy.values() for v in line if v is not None] or [1.0])
    charts = [
        Chart("soak-accuracy", "Record accuracy per flow", accuracy, _pct,
              floor=min(0.9, lowest)),
        Chart("soak-lag", "Sync lag p95 per flow (hours)",
              _scaled(_per_flow(days, "lag_p95_seconds"), 1 / 3600), _hours,
              limit=_scale(limits.get("max_lag_p95_seconds"), 1 / 3600)),
        Chart("soak-quarantine", "Open quarantine per flow",
              _per_flow(days, "open_quarantine"), _count),
        Chart("soak-errors", "Errors per flow (failed runs, 429 and 5xx answers)",
              _per_flow(days, "errors"), _count),
        Chart("soak-budget", "Share of each vendor's daily API allowance used",
              _budget(days), _pct, limit=limits.get("max_allowance_share"), least_top=0.01),
    ]  # fmt: skip
    parts = [f'<section id="soak"><h2>Soak timeline</h2>{_lead(timeline)}']
    for chart in charts:
        parts.append(f"<h3>{esc(chart.title)}</h3>")
        parts.append(line_chart(chart, labels, breached))
    parts.append(_days_table(days))
    parts.append("</section>")
    return "".join(parts)


def line_chart(chart: Chart, labels: Sequence[str], breached: Sequence[bool]) -> str:
    """One line per series over the days, a red band behind each breached day, the limit
    dashed, and a legend naming each line's colour."""
    values = [v for line in chart.series.values() for v in line if v is not None]
    top = max([*values, chart.limit or 0.0, chart.least_top])
    low = chart.floor if chart.floor is not None else min([0.0, *values])
    step = (_W - _AXIS_W - _PAD) / max(len(labels) - 1, 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = _AXIS_W + (i * step if len(labels) > 1 else (_W - _AXIS_W - _PAD) / 2)
        return x, _PAD + (top - value) / ((top - low) or 1.0) * (_H - _PAD - _BOTTOM)

    parts = [
        f'<figure><svg id="{esc(chart.chart_id)}" class="chart timeline-chart" role="img" '
        f'width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" xmlns="http://www.w3.org/2000/svg">'
    ]
    parts += _bands(breached, step, xy)
    parts += _axes(labels, top, low, chart.fmt, xy)
    if chart.limit is not None:
        y = xy(0, chart.limit)[1]
        parts.append(f'<line class="limit" x1="{_AXIS_W}" y1="{y:.1f}" x2="{_W - _PAD}" '
                     f'y2="{y:.1f}" stroke="#cf222e" stroke-dasharray="6 4"/>')  # fmt: skip
    legend = []
    for n, (name, line) in enumerate(sorted(chart.series.items())):
        colour = _COLOURS[n % len(_COLOURS)]
        parts.append(_line(name, line, labels, colour, chart.fmt, xy))
        legend.append(f'<span class="key"><span style="color:{colour}">&#9632;</span> '
                      f"{esc(name)}</span>")  # fmt: skip
    tail = "; red bands: days that breached"
    tail += "; dashed: the limit" if chart.limit is not None else ""
    parts.append(f"</svg><figcaption>{' '.join(legend) or 'no data'}{tail}</figcaption></figure>")
    return "".join(parts)


def _bands(breached: Sequence[bool], step: float, xy: Any) -> list[str]:
    width = max(step, 12.0)
    return [
        f'<rect class="breach" x="{xy(i, 0)[0] - width / 2:.1f}" y="{_PAD}" width="{width:.1f}" '
        f'height="{_H - _PAD - _BOTTOM}" fill="#cf222e" fill-opacity="0.12"/>'
        for i, bad in enumerate(breached)
        if bad
    ]


def _axes(labels: Sequence[str], top: float, low: float, fmt: Any, xy: Any) -> list[str]:
    y_top, y_low = xy(0, top)[1], xy(0, low)[1]
    parts = [
        f'<line class="axis" x1="{_AXIS_W}" y1="{y_low:.1f}" x2="{_W - _PAD}" y2="{y_low:.1f}"/>',
        f'<text class="label" x="{_AXIS_W - 6}" y="{y_top + 4:.1f}" text-anchor="end">'
        f"{esc(fmt(top))}</text>",
        f'<text class="label" x="{_AXIS_W - 6}" y="{y_low + 4:.1f}" text-anchor="end">'
        f"{esc(fmt(low))}</text>",
    ]
    every = max(1, len(labels) // 14)  # at most ~14 day labels, so they never overlap
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = xy(i, low)[0]
            parts.append(
                f'<text class="label" x="{x:.1f}" y="{_H - 14}" '
                f'text-anchor="middle">{esc(label)}</text>'
            )
    return parts


def _line(
    name: str, line: Sequence[float | None], labels: Sequence[str], colour: str, fmt: Any, xy: Any
) -> str:
    points = [(i, v) for i, v in enumerate(line) if v is not None]
    parts = []
    if len(points) > 1:
        coords = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in points)
        parts.append(
            f'<polyline class="series" points="{coords}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    for i, v in points:
        x, y = xy(i, v)
        parts.append(
            f'<circle class="tl-point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
            f"<title>{esc(f'{name}, {labels[i]}: {fmt(v)}')}</title></circle>"
        )
    return "".join(parts)


def _per_flow(days: Sequence[Mapping[str, Any]], key: str) -> Series:
    series: Series = {}
    for i, day in enumerate(days):
        for flow in day.get("flows", ()):
            line = series.setdefault(flow["flow"], [None] * len(days))
            value = flow.get(key)
            line[i] = None if value is None else float(value)
    return series


def _budget(days: Sequence[Mapping[str, Any]]) -> Series:
    series: Series = {}
    for i, day in enumerate(days):
        for vendor, calls in day.get("api_calls", {}).items():
            allowed = day.get("allowance", {}).get(vendor)
            if allowed:  # a vendor that publishes no daily allowance has no share to draw
                series.setdefault(vendor, [None] * len(days))[i] = calls / allowed
    return series


def _scaled(series: Series, factor: float) -> Series:
    return {k: [None if v is None else v * factor for v in line] for k, line in series.items()}


def _scale(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _hours(value: float) -> str:
    return f"{value:.1f} h"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _lead(timeline: Mapping[str, Any]) -> str:
    verdict = timeline.get("verdict", "NO-GO")
    reasons = "".join(f"<li>{esc(r)}</li>" for r in timeline.get("reasons", ()))
    incident = timeline.get("incident")
    what = (
        f"{len(timeline.get('days', ()))} simulated day(s) of {esc(timeline.get('crm'))} → "
        f"{esc(timeline.get('erp'))}, {esc(timeline.get('accounts'))} accounts"
        f"{f', incident {esc(incident)}' if incident else ''}"
    )
    cls = "go" if verdict == "GO" else "nogo"
    return (
        f'<p class="soak-verdict {cls}"><strong>Soak: {esc(verdict)}</strong> — {what}</p>'
        f"{f'<ul class=soak-breaches>{reasons}</ul>' if reasons else ''}"
    )


def _days_table(days: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for day in days:
        breaches = [
            f"{f['flow']}: {b}" for f in day.get("flows", ()) for b in f.get("breaches", ())
        ]
        breaches += list(day.get("day_breaches", ()))
        result = '<td class="pass">pass</td>' if day.get("passed") else '<td class="fail">FAIL</td>'
        churn = ", ".join(f"{k} {v}" for k, v in day.get("churn", {}).items() if v)
        rows.append(
            f"<tr><td>{esc(day['day'])}</td><td>{esc(day['date'])}</td>"
            f"<td>{esc(churn)}</td><td>{esc(day.get('incident') or '')}</td>{result}"
            f"<td>{esc('; '.join(breaches))}</td></tr>"
        )
    return (
        '<h3>Days</h3><table id="soak-days"><thead><tr><th>day</th><th>date</th>'
        "<th>churn</th><th>incident</th><th>result</th><th>breaches</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
