"""Alerts after a sync: a failed run, too many quarantined records, an unusual volume
(each sent again only after the quiet period, `harness.monitoring.quality`).

`evaluate` is pure: it looks at one finished run and the flow's recent history. `after_run`
does the rest for `run_sync`: reads the state, evaluates, and POSTs Slack-compatible JSON
(`{"text": ..., "blocks": [...]}`) to the webhook whose URL is in the environment variable
`alerts.webhook_url_env` names. A webhook that fails is logged, never raised: an alert must
not break the sync it reports on.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from harness.config import AlertsConfig, HarnessConfig
from sync.state import RunInfo, StateError, StateStore

log = logging.getLogger(__name__)

AlertKind = Literal[
    "failed", "error_rate", "volume_high", "volume_zero", "test",
    # data quality, from scheduled reconciles (`harness.monitoring.quality`)
    "quality_low", "quality_drop", "duplicates_new", "quarantine_growing",
]  # fmt: skip
Severity = Literal["critical", "warning", "info"]
_ICONS = {"critical": ":red_circle:", "warning": ":warning:", "info": ":information_source:"}


class WebhookError(Exception):
    """The webhook could not be reached or refused the alert."""


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: Severity
    flow: str
    run_id: str
    message: str


def evaluate(run: RunInfo, history: Sequence[RunInfo], rules: AlertsConfig) -> list[Alert]:
    """The alerts one finished run raises. `history`: the flow's earlier finished live syncs,
    newest first; only those of the run's kind (full or incremental) set its usual volume."""
    alerts: list[Alert] = []

    def add(kind: AlertKind, severity: Severity, message: str) -> None:
        alerts.append(Alert(kind, severity, run.flow, run.run_id, message))

    if run.status == "failed":
        add("failed", "critical", f"sync of {run.flow} failed: {run.error or 'no reason given'}")
    if run.mode != "live" or run.kind not in ("full", "incremental"):
        return alerts
    read, held = run.counts.get("read", 0), run.counts.get("quarantined", 0)
    if read and held / read > rules.error_rate:
        add("error_rate", "warning", f"{held} of {read} records quarantined "
            f"({held / read:.1%}, threshold {rules.error_rate:.1%})")  # fmt: skip
    usual = [
        r.counts.get("read", 0)
        for r in history
        # A stopped run read only part of the source: no baseline for volumes.
        if r.run_id != run.run_id
        and r.kind == run.kind
        and r.status not in ("failed", "interrupted")
    ][: rules.history]
    if len(usual) < 2 or run.status == "failed":
        return alerts
    median = statistics.median(usual)
    if median > 0 and read > rules.volume_factor * median:
        add("volume_high", "warning", f"read {read:,} records, more than "
            f"{rules.volume_factor:g} x the usual {median:,.0f} ({run.kind} runs)")  # fmt: skip
    elif read == 0 and median >= rules.min_usual_reads:
        add("volume_zero", "warning",
            f"read no records where {run.kind} runs usually read {median:,.0f}")  # fmt: skip
    return alerts


def slack_payload(alerts: Sequence[Alert], *, title: str = "harness alert") -> dict[str, Any]:
    """Slack-compatible JSON: `text` for notifications, `blocks` for the message."""
    worst = min((a.severity for a in alerts), key=("critical", "warning", "info").index,
                default="info")  # fmt: skip
    flows = ", ".join(dict.fromkeys(a.flow for a in alerts)) or "-"
    text = f"{_ICONS[worst]} {title}: {len(alerts)} alert(s) for {flows}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{title} ({flows})"}}
    ]
    for a in alerts:
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"{_ICONS[a.severity]} *{a.kind}* {a.message}"},
        })  # fmt: skip
    runs = ", ".join(dict.fromkeys(a.run_id for a in alerts if a.run_id))
    if runs:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"run {runs} - see `harness status`, `harness history`"}
        ]})  # fmt: skip
    return {"text": text, "blocks": blocks}


def post_webhook(url: str, payload: dict[str, Any], *, timeout: float = 10.0) -> int:
    """POST `payload` as JSON; returns the HTTP status. Raises WebhookError when the
    webhook cannot be reached (the URL is never part of the message: it is a secret)."""
    import httpx  # here: only a run that alerts pays for loading it

    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            return client.post(url, json=payload).status_code
    except httpx.HTTPError as exc:
        raise WebhookError(f"the alert webhook could not be reached: {type(exc).__name__}") from exc
    except ValueError as exc:  # a malformed URL
        raise WebhookError("the alert webhook URL is not a valid http(s) URL") from exc


def notify(config: HarnessConfig, alerts: Sequence[Alert]) -> int | None:
    """Send `alerts` to the configured webhook; returns its HTTP status, or None when alerts
    are off, there is nothing to send, or the webhook failed (which is logged)."""
    url = config.alerts.webhook_url()
    if not alerts or url is None:
        return None
    try:
        status = post_webhook(url, slack_payload(alerts), timeout=config.alerts.timeout)
    except WebhookError as exc:
        log.warning("alert not delivered: %s", exc)
        return None
    if status >= 300:
        log.warning("alert webhook answered HTTP %d; the alert was not accepted", status)
    return status


def after_run(config: HarnessConfig, run_id: str) -> list[Alert]:
    """Evaluate run `run_id` and notify; never raises (problems are logged)."""
    if config.alerts.webhook_url() is None:
        return []
    try:
        with StateStore(config.state_path) as state:
            run = state.get_run(run_id)
            if run is None:
                return []
            history = state.sync_runs(run.flow, config.alerts.history + 1)
    except StateError as exc:
        log.warning("alerts skipped: cannot read the state file: %s", exc)
        return []
    from harness.monitoring.quality import notify_quietly  # it builds on this module

    found = evaluate(run, history, config.alerts)
    for alert in found:
        log.warning("alert %s for %s (run %s): %s", alert.kind, alert.flow, alert.run_id,
                    alert.message)  # fmt: skip
    notify_quietly(config, found, datetime.now(UTC))  # a repeat waits out the quiet period
    return found


def send_test(config: HarnessConfig) -> int:
    """Post a test message; returns the HTTP status. Raises WebhookError when no webhook is
    configured or it cannot be reached."""
    url = config.alerts.webhook_url()
    if url is None:
        variable = config.alerts.webhook_url_env
        hint = (
            f"set the environment variable {variable}"
            if variable
            else "add `alerts: {webhook_url_env: HARNESS_ALERT_WEBHOOK}` to harness.yaml"
        )
        raise WebhookError(f"no alert webhook is configured; {hint}")
    alert = Alert("test", "info", "-", "", "a test alert from `harness alert test`")
    return post_webhook(url, slack_payload([alert], title="harness test alert"),
                        timeout=config.alerts.timeout)  # fmt: skip
