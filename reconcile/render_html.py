"""A self-contained HTML report: inline CSS and SVG charts, no script, no external asset.

Every value from the data (flow names, field paths, record values, causes) is escaped here,
once, at the point it enters markup; the template holds only static text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from reconcile._html_template import PAGE, STYLE
from reconcile.decision import owner_of
from reconcile.model import REPORT_SCHEMA_VERSION, Finding, FlowScore, ReconcileReport
from reconcile.render_html_charts import bar_chart, trend_chart
from reconcile.render_html_charts import esc as _e
from reconcile.render_html_charts import pct as _pct
from reconcile.render_html_record import (
    actions_section,
    causes_table,
    scope_section,
    sign_off_section,
)
from sync.state import ReconcileSummary

MISMATCH_SAMPLE = 25  # findings shown per flow; the JSON report has them all


def _shown(value: Any) -> str:
    """A record value as a person reads it: strings bare, everything else as JSON."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value, default=str).decode()


def render_html(
    report: ReconcileReport,
    history: Sequence[ReconcileSummary] = (),
    timeline: Mapping[str, Any] | None = None,
) -> str:
    """The report as one HTML page; `history` (any order) adds a trend chart per flow, and
    a soak's `timeline` (its JSON form) a section of day-by-day charts."""
    verdict = "GO" if report.verdict.go else "NO-GO"
    meta = "".join(f" &middot; {_e(k)}: {_e(v)}" for k, v in sorted(report.meta.items()))
    body = [
        scope_section(report),
        actions_section(report),
        _summary_table(report.flows),
        "<h2>Record accuracy per flow</h2>",
        bar_chart(
            "record-accuracy",
            [(f.flow, f.record_accuracy) for f in report.flows],
            report.thresholds.record_accuracy,
        ),
        _checks_table(report),
    ]
    if timeline is not None:
        from reconcile.render_timeline import timeline_section

        body.insert(0, timeline_section(timeline))
    if history:
        body.append(_trends(history))
    body += [_flow_section(i, f, report.thresholds.field_accuracy)
             for i, f in enumerate(report.flows)]  # fmt: skip
    body.append(sign_off_section(report))
    title, box = f"Reconciliation: {verdict}", _verdict_box(report)
    if timeline is not None:  # the soak's verdict leads; the last day's reconcile follows
        title = f"Soak: {timeline.get('verdict', 'NO-GO')}"
        box = _soak_box(timeline) + box.replace("<strong>", "<strong>Last day's reconcile: ", 1)
    return PAGE.substitute(
        title=_e(title),
        style=STYLE,
        generated_at=_e(report.generated_at),
        meta=meta,
        verdict=box,
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


def _soak_box(timeline: Mapping[str, Any]) -> str:
    go = timeline.get("verdict") == "GO"
    failing = len(timeline.get("reasons", ()))
    days = len(timeline.get("days", ()))
    lead = f"all {days} simulated days pass" if go else f"{failing} breach(es) in {days} days"
    return (
        f'<section id="soak-verdict" class="verdict {"go" if go else "nogo"}">'
        f"<strong>Soak: {'GO' if go else 'NO-GO'}</strong> <span>{_e(lead)}</span></section>"
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
        owner = "" if c.ok else owner_of(c.name).owner
        rows.append(
            f"<tr><td>{_e(c.flow)}</td><td>{_e(c.name)}</td>"
            f'<td class="num">{_e(c.describe(c.value))}</td>'
            f"<td>{_e(c.comparison)} {_e(c.describe(c.threshold))}</td>{result}"
            f"<td>{_e(owner)}</td></tr>"
        )
    return (
        '<h2>Checks</h2><table id="checks"><thead><tr><th>flow</th><th>check</th>'
        '<th class="num">value</th><th>needs</th><th>result</th><th>owner</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _trends(history: Sequence[ReconcileSummary]) -> str:
    by_flow: dict[str, list[ReconcileSummary]] = defaultdict(list)
    for item in history:
        by_flow[item.flow].append(item)
    parts = ["<h2>Trend across reconciles</h2>"]
    for i, (flow, items) in enumerate(sorted(by_flow.items())):
        items.sort(key=lambda s: (s.generated_at, s.reconcile_id))
        parts.append(f"<h3>{_e(flow)}</h3>{trend_chart(f'trend-{i}', flow, items)}")
    return "".join(parts)


def _flow_section(index: int, f: FlowScore, threshold: float) -> str:
    parts = [
        f'<section class="flow" id="flow-{index}"><h2>{_e(f.flow)}: fields</h2>',
        bar_chart(f"field-accuracy-{index}", [(s.path, s.accuracy) for s in f.fields], threshold),
        causes_table(f, index),
    ]
    tables = (
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
        if value is None:
            return "n/a (no source change since the flow went live)"
        return f"{value:,.1f} s"

    return {
        "completeness": _pct(f.completeness),
        "uniqueness": _pct(f.uniqueness),
        "source changes timed for lag": f"{f.lag_changes:,}",
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
