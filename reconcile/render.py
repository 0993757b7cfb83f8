"""Renderers of the report model: JSON for machines, Markdown for a pull-request comment;
`write_reports` also writes the HTML page (render_html) and JUnit XML (render_junit)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from reconcile.decision import group_causes, owner_of, parameters_text
from reconcile.model import FlowScore, ReconcileReport, ReportContext
from reconcile.render_html import quality, render_html
from reconcile.render_junit import render_junit
from sync.state import ReconcileSummary

FINDINGS_IN_MARKDOWN = 20
SIGN_OFF_LINES = ("Signed by", "Role", "Date", "Decision (GO / NO-GO / GO with conditions)",
                  "Conditions and notes")  # fmt: skip


def render_json(report: ReconcileReport) -> bytes:
    return orjson.dumps(
        report.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS, default=_default
    )


def render_markdown(report: ReconcileReport) -> str:
    verdict = "GO" if report.verdict.go else "NO-GO"
    lines = [
        f"# Reconciliation: **{verdict}**",
        "",
        f"Generated {report.generated_at}.",
        "",
        *_context_lines(report.context),
        "| flow | source | target | matched | equal | different | missing | unexpected "
        "| quarantined | record accuracy | field accuracy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in report.flows:
        lines.append(
            f"| {f.flow} ({f.source_object} -> {f.target_object}) | {f.source_records} "
            f"| {f.target_records} | {f.matched} | {f.equal} | {f.different} "
            f"| {f.missing_in_target} | {f.unexpected_in_target} | {f.quarantined} "
            f"| {f.record_accuracy:.2%} | {f.field_accuracy:.2%} |"
        )
    lines += [
        "",
        "## Checks",
        "",
        "| flow | check | value | needs | result | owner |",
        "|---|---|---:|---|---|---|",
    ]
    for c in report.verdict.checks:
        owner = "" if c.ok else owner_of(c.name).owner
        lines.append(
            f"| {c.flow} | {c.name} | {c.describe(c.value)} "
            f"| {c.comparison} {c.describe(c.threshold)} | {'pass' if c.ok else 'FAIL'} "
            f"| {owner} |"
        )
    failing = [c for c in report.verdict.checks if not c.ok]
    if failing:
        lines += ["", "## Actions", ""]
        for c in failing:
            ownership = owner_of(c.name)
            lines.append(f"- **{c.flow}: {c.name}** ({ownership.owner}): {ownership.action}")
    for f in report.flows:
        lines += _flow_details(f)
    lines += ["", "## Sign-off", "", "| | |", "|---|---|"]
    lines += [f"| {label} | |" for label in SIGN_OFF_LINES]
    return "\n".join(lines) + "\n"


def _flow_details(f: FlowScore) -> list[str]:
    lines = [
        "",
        f"## {f.flow}: fields",
        "",
        "| field | compared | equal | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for fs in f.fields:
        lines.append(f"| `{fs.path}` | {fs.compared} | {fs.equal} | {fs.accuracy:.2%} |")
    scores = "; ".join(f"{name} {value}" for name, value in quality(f).items())
    lines += ["", f"Quality: {scores}."]
    if f.matched_by or f.ambiguous:
        steps = ", ".join(f"{how} {n}" for how, n in f.matched_by.items()) or "none"
        lines += [
            "",
            f"Matched by: {steps}; unlinked (no external id) {f.unlinked}; "
            f"ambiguous (not paired) {f.ambiguous}.",
        ]
    if f.policy_flags:
        lines += [
            "",
            f"### {f.flow}: values dropped or cut by the mapping's policy",
            "",
            "| flag | records |",
            "|---|---:|",
        ]
        lines += [f"| {flag} | {n} |" for flag, n in f.policy_flags.items()]
    if f.root_causes:
        lines += ["", f"### {f.flow}: root causes", "", "| cause | records | seen as |",
                  "|---|---:|---|"]  # fmt: skip
        for g in group_causes(f.root_causes):
            lines.append(f"| {_cell(g.cause)} | {g.records} | {_cell(parameters_text(g))} |")
    if f.findings:
        shown = f.findings[:FINDINGS_IN_MARKDOWN]
        lines += [
            "",
            f"### {f.flow}: findings ({len(shown)} of {len(f.findings)})",
            "",
            "| kind | source id | target id | cause | detail |",
            "|---|---|---|---|---|",
        ]
        for item in shown:
            detail = _cell(item.detail)
            for d in item.diffs[:3]:
                expected, actual = _cell(repr(d.expected)), _cell(repr(d.actual))
                detail += f"<br>`{d.path}`: expected {expected}, got {actual}"
            lines.append(
                f"| {item.kind} | {item.source_id or ''} | {item.target_id or ''} "
                f"| {_cell(item.root_cause)} | {detail} |"
            )
    return lines


def _context_lines(ctx: ReportContext | None) -> list[str]:
    """What was judged, where and by what: the decision record's header."""
    if ctx is None:
        return []
    systems = ", ".join(f"{s.name} {s.vendor} <{s.url}>" for s in ctx.systems)
    runs = ", ".join(f"{r.flow} run {r.run_id} ({r.mode}, {r.status})" for r in ctx.runs)
    return [
        f"Harness {ctx.harness_version}; reconcile started {ctx.started_at}, took "
        f"{ctx.seconds:,.1f} s; config `{ctx.config}`.",
        "",
        f"Systems: {systems or 'none'}. Runs judged: {runs or 'none recorded'}.",
        "",
    ]


def _cell(text: str, limit: int = 160) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_reports(
    report: ReconcileReport,
    directory: Path,
    stem: str = "reconcile",
    history: Sequence[ReconcileSummary] = (),
) -> dict[str, Path]:
    """Write `<stem>.json`, `.md`, `.html` and `.xml` (JUnit) under `directory`; returns the
    paths by format ("json", "markdown", "html", "junit"). `history` feeds the HTML trend."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": directory / f"{stem}.json",
        "markdown": directory / f"{stem}.md",
        "html": directory / f"{stem}.html",
        "junit": directory / f"{stem}.xml",
    }
    paths["json"].write_bytes(render_json(report))
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report, history), encoding="utf-8")
    paths["junit"].write_bytes(render_junit(report))
    return paths


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)
