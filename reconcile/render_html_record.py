"""The decision-record parts of the HTML report: what was judged (flows, runs, record counts),
where (systems and URLs, never a secret) and by what (harness version, duration); an owner and
an action per failing check; root causes grouped by cause; a sign-off block to fill in."""

from __future__ import annotations

from typing import Any

from reconcile.decision import group_causes, owner_of, parameters_text
from reconcile.model import FlowScore, ReconcileReport, ReportContext
from reconcile.render_html_charts import esc as _e

NOT_RECORDED = "not recorded (a report built outside the harness)"


def _table(table_id: str, head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """A table of escaped cells; a header ending in '#' is a numeric column."""
    cls = ["num" if h.endswith("#") else "" for h in head]
    names = [h.rstrip("#").strip() for h in head]
    ths = "".join(f'<th class="{c}">{_e(n)}</th>' for n, c in zip(names, cls, strict=True))
    trs = "".join(
        "<tr>" + "".join(f'<td class="{c}">{_e(v)}</td>' for v, c in zip(row, cls, strict=True))
        + "</tr>"
        for row in rows
    )  # fmt: skip
    return f'<table id="{table_id}"><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>'


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def scope_section(report: ReconcileReport) -> str:
    """What was judged: per flow the systems, objects, record counts and the sync run."""
    ctx = report.context
    runs = {r.flow: r for r in ctx.runs} if ctx else {}
    rows = []
    for f in report.flows:
        run = runs.get(f.flow)
        judged = (f"{run.run_id} ({run.mode}, {run.kind}, {run.status})" if run
                  else "no sync run recorded" if ctx else NOT_RECORDED)  # fmt: skip
        rows.append((f.flow, f"{f.source_object} → {f.target_object}", f"{f.source_records:,}",
                     f"{f.target_records:,}", judged))  # fmt: skip
    head = ("flow", "objects", "source records #", "target records #", "sync run judged")
    return (
        '<section id="scope"><h2>Scope: what was judged</h2>'
        f"{_table('scope-flows', head, rows)}{_environment(ctx)}</section>"
    )


def _environment(ctx: ReportContext | None) -> str:
    if ctx is None:
        return (
            f'<p id="environment" class="muted">Systems, version and duration: {NOT_RECORDED}.</p>'
        )
    systems = _table("systems", ("system", "vendor", "URL"),
                     [(s.name, s.vendor, s.url) for s in ctx.systems])  # fmt: skip
    facts = (
        ("harness version", ctx.harness_version),
        ("reconcile started", ctx.started_at),
        ("duration", _duration(ctx.seconds)),
        ("config", ctx.config),
    )
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f'<h3>Environment</h3>{systems}<dl id="environment" class="facts">{items}</dl>'


def actions_section(report: ReconcileReport) -> str:
    """Each failing check with who owns it and what they should do first."""
    failing = [c for c in report.verdict.checks if not c.ok]
    if not failing:
        return (
            '<section id="actions"><h2>Actions</h2><p>No check fails: nothing to do.</p></section>'
        )
    rows = []
    for c in failing:
        ownership = owner_of(c.name)
        rows.append((c.flow, c.name, c.describe(c.value),
                     f"{c.comparison} {c.describe(c.threshold)}", ownership.owner,
                     ownership.action))  # fmt: skip
    head = ("flow", "failing check", "value #", "needs", "owner", "action")
    return f'<section id="actions"><h2>Actions</h2>{_table("owners", head, rows)}</section>'


def causes_table(f: FlowScore, index: int) -> str:
    """Root causes grouped by cause, the largest first, parameters listed inside."""
    groups = group_causes(f.root_causes)
    if not groups:
        return ""
    rows = [(g.cause, f"{g.records:,}", parameters_text(g)) for g in groups]
    head = ("cause", "records #", "seen as")
    return f"<h3>Root causes</h3>{_table(f'causes-{index}', head, rows)}"


def sign_off_section(report: ReconcileReport) -> str:
    """Blank lines for the person who takes the decision, and the decision to tick."""
    verdict = "GO" if report.verdict.go else "NO-GO"
    lines = "".join(
        f'<tr><th scope="row">{label}</th><td class="blank"></td></tr>'
        for label in ("Signed by", "Role", "Date", "Signature")
    )
    choices = "".join(
        f'<li><span class="box"></span> {choice}</li>'
        for choice in ("GO", "NO-GO", "GO with conditions (write them below)")
    )
    return (
        '<section id="sign-off"><h2>Sign-off</h2>'
        f"<p>The harness says <strong>{verdict}</strong>. The decision is a person's:</p>"
        f'<table class="sign-off">{lines}</table>'
        f'<p>Decision:</p><ul class="decision">{choices}</ul>'
        '<p>Conditions and notes:</p><div class="blank notes"></div></section>'
    )
