"""The soak's reports: soak.json (the timeline, verdict and accounting), soak.md (the same
for people and pull requests) and soak.html (the last day's reconcile report with the
timeline's charts as a section of its own, and the trend across the daily reconciles)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from harness.api import TREND_DEPTH, reconcile_history
from harness.config import HarnessConfig
from harness.soak.timeline import DayRow, Timeline
from reconcile.model import ReconcileReport
from reconcile.render_html import render_html

__all__ = ["render_soak_markdown", "write_soak_reports"]


def write_soak_reports(
    timeline: Timeline, report: ReconcileReport | None, config: HarnessConfig, directory: Path
) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    data = timeline.to_json()
    paths = {"json": directory / "soak.json", "markdown": directory / "soak.md"}
    paths["json"].write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str))
    paths["markdown"].write_text(render_soak_markdown(timeline), encoding="utf-8")
    if report is not None:
        history = reconcile_history(config, limit=TREND_DEPTH)
        paths["html"] = directory / "soak.html"
        paths["html"].write_text(render_html(report, history, timeline=data), encoding="utf-8")
    return paths


def render_soak_markdown(timeline: Timeline) -> str:
    verdict = "GO" if timeline.go else "NO-GO"
    lines = [
        f"# Soak: {verdict}",
        "",
        f"{len(timeline.days)} simulated day(s) of {timeline.crm} -> {timeline.erp}, "
        f"{timeline.accounts:,} accounts, seed {timeline.seed}, flows every "
        f"{timeline.cadence_hours:g} simulated hours unless scheduled; "
        f"incident: {timeline.incident or 'none'}.",
        f"Real time: {timeline.wall_seconds:,.1f} s "
        f"(initial load {timeline.go_live_seconds:,.1f} s).",
        "",
    ]
    reasons = timeline.reasons()
    if reasons:
        lines += ["## Breaches", "", *(f"- {r}" for r in reasons), ""]
    lines += [
        "## Days",
        "",
        "| day | date | churn | API calls (share of allowance) | result |",
        "|---:|---|---|---|---|",
    ]
    lines += [_day_line(row) for row in timeline.days]
    lines += [
        "",
        "Real seconds per day: "
        + "; ".join(
            f"day {row.day} {row.wall_seconds:,.1f} ("
            + ", ".join(f"{k} {v:,.1f}" for k, v in row.phases.items())
            + ")"
            for row in timeline.days
        ),
    ]
    lines += [
        "",
        "## Flows per day",
        "",
        "| day | flow | runs | written | record accuracy | lag p95 | open quarantine "
        "| errors | API calls | breaches |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in timeline.days:
        lines += [_flow_line(row.day, f) for f in row.flows]
    if timeline.accounting is not None:
        lines += ["", *_accounting(timeline)]
    return "\n".join(lines) + "\n"


def _day_line(row: DayRow) -> str:
    churn = ", ".join(f"{k} {v}" for k, v in row.churn.items() if v) or "none"
    if row.month_end:
        churn += " (month end)"
    if row.incident:
        churn += f"; incident {row.incident}"
    calls = ", ".join(
        f"{v} {n:,}" + (f" ({share:.1%})" if (share := row.allowance_share(v)) is not None else "")
        for v, n in row.api_calls.items()
    )
    return f"| {row.day} | {row.date} | {churn} | {calls} | {'pass' if row.passed else 'FAIL'} |"


def _flow_line(day: int, f: Any) -> str:
    acc = "n/a" if f.record_accuracy is None else f"{f.record_accuracy:.2%}"
    lag = "n/a" if f.lag_p95_seconds is None else f"{f.lag_p95_seconds / 3600:.2f} h"
    calls = ", ".join(f"{v} {n:,}" for v, n in sorted(f.api_calls.items()))
    why = "; ".join(f.breaches) or "-"
    return (
        f"| {day} | {f.flow} | {f.runs} | {f.written:,} | {acc} | {lag} | "
        f"{f.open_quarantine} | {f.errors} | {calls} | {why} |"
    )


def _accounting(timeline: Timeline) -> list[str]:
    acc = timeline.accounting
    if acc is None:
        return []
    synced = ", ".join(f"{n} on {day}" for day, n in acc.synced.items()) or "none"
    held = ", ".join(f"{n} ({reason})" for reason, n in acc.quarantined.items()) or "none"
    state = "all accounted for" if acc.complete else f"{len(acc.unaccounted)} unaccounted for"
    return [
        f"## Incident day {acc.day}: {state}",
        "",
        f"- records the business changed that day: {acc.touched}",
        f"- synced after the change: {synced}",
        f"- held in quarantine: {held}",
        f"- deleted by the business before any sync: {acc.deleted}",
        *(f"- NOT accounted for: {item}" for item in acc.unaccounted[:50]),
    ]
