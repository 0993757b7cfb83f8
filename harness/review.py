"""The weekly data-quality review: per flow, the week's runs, accuracy, lag, quarantine,
conflicts and what data stewards did, from the state file alone (read-only).

The guide asks for a weekly review after launch; this is its agenda: where accuracy stood
and how low it went, what is still held back and why, and which decisions people took.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from harness.config import HarnessConfig
from sync.state import QuarantineEntry, ReconcileSummary, RunInfo, StateStore


@dataclass(frozen=True)
class FlowWeek:
    flow: str
    runs: int = 0
    failed: int = 0
    read: int = 0
    written: int = 0
    held: int = 0  # records quarantined by the week's runs
    conflicts: int = 0
    reconciles: int = 0
    accuracy_last: float | None = None
    accuracy_low: float | None = None
    field_accuracy_last: float | None = None
    lag_p95_last: int | None = None  # seconds, from the latest reconcile that timed one
    open_held: dict[str, int] = field(default_factory=dict)  # still open, by reason
    steward: dict[str, int] = field(default_factory=dict)  # "dana discarded": 3, ...


@dataclass(frozen=True)
class WeeklyReview:
    start: datetime
    end: datetime
    flows: tuple[FlowWeek, ...]

    @property
    def no_evidence(self) -> str | None:
        """The warning for flows no reconcile judged in the period (None: every one was)."""
        missing = [w.flow for w in self.flows if w.reconciles == 0]
        if not missing:
            return None
        return (f"No reconcile this period for: {', '.join(missing)} (no evidence of their"
                " accuracy: schedule a check, see `checks:`).")  # fmt: skip


def build_review(config: HarnessConfig, days: float = 7, now: datetime | None = None
                 ) -> WeeklyReview:  # fmt: skip
    end = now or datetime.now(UTC)
    start = end - timedelta(days=days)
    weeks = []
    if config.state_path.exists():
        with StateStore(config.state_path) as state:
            for flow in config.flows:
                runs = [r for r in state.runs_since(start, flow.name) if r.started_at <= end]
                summaries = [s for s in state.reconcile_history(flow.name, 10_000)
                             if start <= s.generated_at <= end]  # fmt: skip
                held = state.quarantined(flow.name, status=None)
                weeks.append(_week(flow.name, runs, summaries, held, start, end))
    else:
        weeks = [FlowWeek(flow.name) for flow in config.flows]
    return WeeklyReview(start, end, tuple(weeks))


def _week(flow: str, runs: list[RunInfo], summaries: list[ReconcileSummary],
          held: list[QuarantineEntry], start: datetime, end: datetime) -> FlowWeek:  # fmt: skip
    live = [r for r in runs if r.mode == "live"]
    accuracies = [s.record_accuracy for s in summaries]  # newest first
    lags = [s.counts["lag_p95_seconds"] for s in summaries if "lag_p95_seconds" in s.counts]
    steward = Counter(
        f"{q.resolved_by} {q.status}" for q in held
        if q.resolved_at is not None and start <= q.resolved_at <= end
        and q.resolved_by and not q.resolved_by[:8].isdigit()  # a person, not a run id
    )  # fmt: skip
    return FlowWeek(
        flow,
        runs=len(live),
        failed=sum(1 for r in live if r.status == "failed"),
        read=sum(r.counts.get("read", 0) for r in live),
        written=sum(r.counts.get("created", 0) + r.counts.get("updated", 0) for r in live),
        held=sum(r.counts.get("quarantined", 0) for r in live),
        conflicts=sum(r.counts.get("conflicts", 0) for r in live),
        reconciles=len(summaries),
        accuracy_last=accuracies[0] if accuracies else None,
        accuracy_low=min(accuracies) if accuracies else None,
        field_accuracy_last=summaries[0].field_accuracy if summaries else None,
        lag_p95_last=lags[0] if lags else None,
        open_held=dict(Counter(q.reason for q in held if q.status == "open")),
        steward=dict(steward),
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def _row(w: FlowWeek) -> list[str]:
    held = ", ".join(f"{n} {reason}" for reason, n in sorted(w.open_held.items())) or "none"
    steward = ", ".join(f"{who}: {n}" for who, n in sorted(w.steward.items())) or "none"
    lag = "-" if w.lag_p95_last is None else f"{w.lag_p95_last} s"
    return [w.flow, f"{w.runs} ({w.failed} failed)", f"{w.read:,} / {w.written:,}",
            f"{w.reconciles}", _pct(w.accuracy_last), _pct(w.accuracy_low),
            _pct(w.field_accuracy_last), lag, f"{w.held:,}", f"{w.conflicts:,}", held,
            steward]  # fmt: skip


HEAD = ["Flow", "Runs", "Read / written", "Reconciles", "Accuracy (last)", "Accuracy (low)",
        "Field accuracy", "Lag p95", "Held by runs", "Conflicts", "Open quarantine",
        "Steward actions"]  # fmt: skip


def render_markdown(review: WeeklyReview) -> str:
    lines = [f"# Weekly data-quality review, {review.start:%Y-%m-%d} to {review.end:%Y-%m-%d}",
             "", "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]  # fmt: skip
    lines += ["| " + " | ".join(_row(w)) + " |" for w in review.flows]
    if review.no_evidence:
        lines += ["", review.no_evidence]
    return "\n".join(lines) + "\n"


def render_html(review: WeeklyReview) -> str:
    title = f"Weekly data-quality review, {review.start:%Y-%m-%d} to {review.end:%Y-%m-%d}"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEAD)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in _row(w)) + "</tr>"
        for w in review.flows
    )
    warning = (
        f"<p><strong>{html.escape(review.no_evidence)}</strong></p>" if (review.no_evidence) else ""
    )
    style = ("body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}")  # fmt: skip
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"<style>{style}</style></head><body><h1>{title}</h1><table><thead><tr>{head}"
            f"</tr></thead><tbody>{body}</tbody></table>{warning}</body></html>\n")  # fmt: skip


__all__ = ["FlowWeek", "WeeklyReview", "build_review", "render_html", "render_markdown"]
