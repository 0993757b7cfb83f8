"""A self-contained HTML report: inline CSS and SVG charts, no script, no external asset.

Every value from the data (flow names, field paths, record values, causes) is escaped here,
once, at the point it enters markup; the template holds only static text.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import orjson

from reconcile._html_template import PAGE, STYLE
from reconcile.model import REPORT_SCHEMA_VERSION, Finding, FlowScore, ReconcileReport
from sync.state import ReconcileSummary

MISMATCH_SAMPLE = 25  # findings shown per flow; the JSON report has them all
_LABEL_W, _BAR_W, _ROW_H = 300, 420, 22
_TREND_W, _TREND_H, _PAD = 720, 180, 52


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _shown(value: Any) -> str:
    """A record value as a person reads it: strings bare, everything else as JSON."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value, default=str).decode()


def _pct(value: float) -> str:
    return f"{value:.2%}"


def render_html(report: ReconcileReport, history: Sequence[ReconcileSummary] = ()) -> str:
    """The report as one HTML page; `history` (any order) adds a trend chart per flow."""
    verdict = "GO" if report.verdict.go else "NO-GO"
    meta = "".join(f" &middot; {_e(k)}: {_e(v)}" for k, v in sorted(report.meta.items()))
    body = [
        _summary_table(report.flows),
        "<h2>Record accuracy per flow</h2>",
        _bar_chart(
            "record-accuracy",
            [(f.flow, f.record_accuracy) for f in report.flows],
            report.thresholds.record_accuracy,
        ),
        _checks_table(report),
    ]
    if history:
        body.append(_trends(history))
    body += [_flow_section(i, f, report.thresholds.field_accuracy)
             for i, f in enumerate(report.flows)]  # fmt: skip
    return PAGE.substitute(
        title=_e(f"Reconciliation: {verdict}"),
        style=STYLE,
        generated_at=_e(report.generated_at),
        meta=meta,
        verdict=_verdict_box(report),
        body="\n".join(body),
        schema_version=_e(REPORT_SCHEMA_VERSION),
    )


def _verdict_box(report: ReconcileReport) -> str:
    go = report.verdict.go
    reasons = "".join(f"<li>{_e(r)}</li>" for r in report.verdict.reasons)
    failed = sum(not c.ok for c in report.verdict.checks)
    lead = (
        f"all {len(report.verdict.checks)} checks hold"
        if go
        else f"{failed} of {len(report.verdict.checks)} checks fail"
    )
    return (
        f'<section id="verdict" class="verdict {"go" if go else "nogo"}">'
        f"<strong>{'GO' if go else 'NO-GO'}</strong> <span>{lead}</span>"
        f"{f'<ul>{reasons}</ul>' if reasons else ''}</section>"
    )


def _summary_table(flows: Sequence[FlowScore]) -> str:
    cols = ("source", "target", "matched", "equal", "different", "missing", "unexpected",
            "duplicates", "quarantined", "record accuracy", "field accuracy")  # fmt: skip
    head = "".join(f'<th class="num">{c}</th>' for c in cols)
    rows = []
    for f in flows:
        values = (f.source_records, f.target_records, f.matched, f.equal, f.different,
                  f.missing_in_target, f.unexpected_in_target, f.duplicates, f.quarantined,
                  _pct(f.record_accuracy), _pct(f.field_accuracy))  # fmt: skip
        cells = "".join(f'<td class="num">{_e(v)}</td>' for v in values)
        label = f"{f.flow} ({f.source_object} → {f.target_object})"
        rows.append(f'<tr><td class="flow">{_e(label)}</td>{cells}</tr>')
    return (
        '<h2>Flows</h2><table id="flows"><thead><tr><th>flow</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _checks_table(report: ReconcileReport) -> str:
    rows = []
    for c in report.verdict.checks:
        result = '<td class="pass">pass</td>' if c.ok else '<td class="fail">FAIL</td>'
        rows.append(
            f"<tr><td>{_e(c.flow)}</td><td>{_e(c.name)}</td>"
            f'<td class="num">{_e(c.describe(c.value))}</td>'
            f"<td>{_e(c.comparison)} {_e(c.describe(c.threshold))}</td>{result}</tr>"
        )
    return (
        '<h2>Checks</h2><table id="checks"><thead><tr><th>flow</th><th>check</th>'
        '<th class="num">value</th><th>needs</th><th>result</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _bar_chart(chart_id: str, items: Sequence[tuple[str, float]], threshold: float) -> str:
    """Horizontal bars of ratios in [0, 1], red below `threshold`, with a dashed threshold."""
    height = _ROW_H * len(items) + 24
    width = _LABEL_W + _BAR_W + 70
    parts = [
        f'<figure><svg id="{_e(chart_id)}" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, ratio) in enumerate(items):
        y = i * _ROW_H + 4
        short = label if len(label) <= 42 else "…" + label[-41:]  # a path's tail says most
        state = "ok" if ratio >= threshold else "low"
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{y + 14}" text-anchor="end">{_e(short)}</text>'
            f'<rect class="bar {state}" x="{_LABEL_W}" y="{y}" width="{ratio * _BAR_W:.1f}" '
            f'height="{_ROW_H - 6}"><title>{_e(label)}: {_pct(ratio)}</title></rect>'
            f'<text x="{_LABEL_W + ratio * _BAR_W + 4:.1f}" y="{y + 14}">{_pct(ratio)}</text>'
        )
    x = _LABEL_W + threshold * _BAR_W
    bottom = _ROW_H * len(items) + 4
    parts.append(
        f'<line class="threshold" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}"/>'
        f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">needs {_pct(threshold)}</text>'
        "</svg></figure>"
    )
    return "".join(parts)


def _trends(history: Sequence[ReconcileSummary]) -> str:
    by_flow: dict[str, list[ReconcileSummary]] = defaultdict(list)
    for item in history:
        by_flow[item.flow].append(item)
    parts = ["<h2>Trend across reconciles</h2>"]
    for i, (flow, items) in enumerate(sorted(by_flow.items())):
        items.sort(key=lambda s: (s.generated_at, s.reconcile_id))
        parts.append(f"<h3>{_e(flow)}</h3>{_trend_chart(f'trend-{i}', flow, items)}")
    return "".join(parts)


def _trend_chart(chart_id: str, flow: str, items: Sequence[ReconcileSummary]) -> str:
    """Record accuracy (solid) and field accuracy (dashed) over time, one dot per reconcile."""
    low = min(0.9, *(min(s.record_accuracy, s.field_accuracy) for s in items))
    span = 1.0 - low or 1.0
    step = (_TREND_W - 2 * _PAD) / max(len(items) - 1, 1)

    def xy(i: int, ratio: float) -> tuple[float, float]:
        return _PAD + i * step, _PAD / 2 + (1.0 - ratio) / span * (_TREND_H - _PAD * 1.5)

    record = " ".join(
        "{:.1f},{:.1f}".format(*xy(i, s.record_accuracy)) for i, s in enumerate(items)
    )
    field = " ".join("{:.1f},{:.1f}".format(*xy(i, s.field_accuracy)) for i, s in enumerate(items))
    parts = [
        f'<figure><svg id="{_e(chart_id)}" class="chart trend-chart" role="img" '
        f'width="{_TREND_W}" height="{_TREND_H}" viewBox="0 0 {_TREND_W} {_TREND_H}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="{_PAD}" y1="{xy(0, 1.0)[1]:.1f}" x2="{_TREND_W - _PAD}" '
        f'y2="{xy(0, 1.0)[1]:.1f}"/>',
        f'<text x="2" y="{xy(0, 1.0)[1] + 4:.1f}">100%</text>',
        f'<text x="2" y="{xy(0, low)[1] + 4:.1f}">{_pct(low)}</text>',
        f'<polyline class="trend record" points="{record}"/>',
        f'<polyline class="trend field" points="{field}"/>',
    ]
    for i, s in enumerate(items):
        x, y = xy(i, s.record_accuracy)
        tip = (
            f"{flow} {s.generated_at.isoformat(timespec='seconds')}: record "
            f"{_pct(s.record_accuracy)}, field {_pct(s.field_accuracy)}, {s.verdict}"
        )
        parts.append(
            f'<circle class="point{"" if s.passed else " nogo"}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
            f"<title>{_e(tip)}</title></circle>"
        )
    first, last = items[0].generated_at, items[-1].generated_at
    parts.append(
        f'<text x="{_PAD}" y="{_TREND_H - 4}">{_e(first.date().isoformat())}</text>'
        f'<text x="{_TREND_W - _PAD}" y="{_TREND_H - 4}" text-anchor="end">'
        f"{_e(last.date().isoformat())}</text></svg>"
        f"<figcaption>{len(items)} reconciles: record accuracy (solid), field accuracy "
        "(dashed); red dots are reconciles where this flow failed a check</figcaption></figure>"
    )
    return "".join(parts)


def _flow_section(index: int, f: FlowScore, threshold: float) -> str:
    parts = [
        f'<section class="flow" id="flow-{index}"><h2>{_e(f.flow)}: fields</h2>',
        _bar_chart(f"field-accuracy-{index}", [(s.path, s.accuracy) for s in f.fields], threshold),
    ]
    tables = (
        ("Root causes", "cause", f.root_causes),
        ("Values dropped or cut by the mapping's policy", "flag", f.policy_flags),
        ("Pairs by matching step", "matched by", _matching(f)),
    )
    for title, column, counts in tables:
        if counts:
            rows = "".join(
                f'<tr><td>{_e(k)}</td><td class="num">{_e(n)}</td></tr>' for k, n in counts.items()
            )
            parts.append(
                f"<h3>{title}</h3><table><thead><tr><th>{column}</th>"
                f'<th class="num">records</th></tr></thead><tbody>{rows}</tbody></table>'
            )
    rows = "".join(
        f'<tr><td>{_e(k)}</td><td class="num">{_e(v)}</td></tr>' for k, v in quality(f).items()
    )
    parts.append(
        '<h3>Quality</h3><table class="quality"><thead><tr><th>score</th>'
        f'<th class="num">value</th></tr></thead><tbody>{rows}</tbody></table>'
    )
    if f.findings:
        shown = f.findings[:MISMATCH_SAMPLE]
        parts.append(f"<h3>Mismatches ({len(shown)} of {len(f.findings)})</h3>")
        parts += [_finding(item) for item in shown]
    parts.append("</section>")
    return "".join(parts)


def quality(f: FlowScore) -> dict[str, str]:
    """The data-quality scores of a flow as display text (shared with the Markdown report)."""

    def seconds(value: float | None) -> str:
        return "n/a (no equal pair)" if value is None else f"{value:,.1f} s"

    return {
        "completeness": _pct(f.completeness),
        "uniqueness": _pct(f.uniqueness),
        "sync lag, median": seconds(f.lag_median_seconds),
        "sync lag, p95": seconds(f.lag_p95_seconds),
    }


def _matching(f: FlowScore) -> dict[str, int]:
    """Pairs per step, then the sources the cascade could not settle (shown when any)."""
    extra = {"unlinked (no external id)": f.unlinked, "ambiguous (not paired)": f.ambiguous}
    return {**f.matched_by, **{k: n for k, n in extra.items() if n}}


def _finding(item: Finding) -> str:
    ids = " · ".join(
        f"{label} {_e(value)}"
        for label, value in (
            ("source", item.source_id),
            ("target", item.target_id),
            ("external id", item.external_id),
        )
        if value
    )
    parts = [
        f'<div class="finding {_e(item.kind)}"><span class="kind">{_e(item.kind)}</span> '
        f'<span class="ids">{ids}</span><div class="cause">{_e(item.root_cause)}</div>'
        f'<div class="detail muted">{_e(item.detail)}</div>'
    ]
    if item.diffs:
        rows = "".join(
            f"<tr><td class='path'>{_e(d.path)}</td>"
            f"<td class='expected'>{_e(_shown(d.expected))}</td>"
            f"<td class='actual'>{_e(_shown(d.actual))}</td><td>{_e(d.cause)}</td></tr>"
            for d in item.diffs
        )
        parts.append(
            '<table class="diff"><thead><tr><th>field</th><th>expected</th><th>actual</th>'
            f"<th>cause</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append("</div>")
    return "".join(parts)
