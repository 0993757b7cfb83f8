"""A runbook for the configured integration, in Markdown: every failure the harness can meet,
how it shows up, how to recover with the exact commands, who is paged, and how to roll back.

Generated from harness.yaml (systems, flows, schedules, checks, alerts and their contacts), so
it names this integration's flows and config file; regenerate it when the config changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.config import HarnessConfig
from sync.connectors import connector_pack


@dataclass(frozen=True)
class Failure:
    """One kind of failure: what it is, how it shows up, the recovery steps as (what to do,
    the command: `{cfg}` and `{flow}` filled in, or "") and who acts on it (a contacts key)."""

    name: str
    shows: str
    steps: tuple[tuple[str, str], ...]
    who: str = "oncall"


# Records held in quarantine, by reason (sync/state/models.py QuarantineReason).
QUARANTINE = (
    Failure("validation: a record the target would refuse (required, length, type, format)",
            "`harness quarantine list --reason validation`; alert `error_rate` when many",
            (("see the field and the rule", "harness quarantine show QID {cfg}"),
             ("fix the data in the source, or the mapping", "harness mapping export {cfg}"),
             ("run them again",
              "harness quarantine replay --flow {flow} --reason validation {cfg}")),
            "data_steward"),
    Failure("rejected: the target refused the write (its own rule, a duplicate, a lock)",
            "`harness quarantine list --reason rejected`, with the vendor's code and message",
            (("read the vendor's message", "harness quarantine show QID {cfg}"),
             ("fix the cause in the target (a rule, a duplicate) or in the source", ""),
             ("run them again", "harness quarantine replay --flow {flow} --reason rejected {cfg}")),
            "erp"),
    Failure("unresolved_reference: what a record refers to is not synced yet",
            "`harness quarantine list --reason unresolved_reference`",
            (("run the flow it depends on", "harness sync --flow PARENT {cfg}"),
             ("the next run retries them by itself", "")), "oncall"),
    Failure("conflict: both systems changed owned fields, or the target changed the record "
            "after the flow read it (code STALE_TARGET)",
            "`harness conflicts list`; conflicts counted in `harness history`",
            (("see both systems' values", "harness conflicts show QID {cfg}"),
             ("keep one system's values", "harness conflicts resolve QID --keep SYSTEM --by NAME "
              "--flow {flow} {cfg}"),
             ("STALE_TARGET entries are retried at the next run's start and settled by the "
              "flow's policy", "")), "data_steward"),
    Failure("drift: the schema changed mid-run (a field added, renamed, retyped, removed)",
            "`harness quarantine list --reason drift`; the run's drift in `harness history`",
            (("compare the field with the mapping", "harness mapping export {cfg}"),
             ("fix the mapping or restore the field, then run them again",
              "harness quarantine replay --flow {flow} --reason drift {cfg}")), "oncall"),
    Failure("rate_limit_exhausted: the vendor's allowance ran out mid-run",
            "`harness quarantine list --reason rate_limit_exhausted`",
            (("check the allowance against the volumes", "harness plan --volume NAME=COUNT {cfg}"),
             ("the next run retries them once the window reopens", "")), "oncall"),
)  # fmt: skip

# What the alerts say (harness/monitoring/alerts.py AlertKind) and what to do first.
ALERTS = (
    ("failed", "a run failed (auth, an open circuit, a config error)",
     "`harness status {cfg}`, `harness history --flow {flow} {cfg}`; fix the cause, then "
     "`harness sync --flow {flow} {cfg}`"),
    ("error_rate", "a run held more records than `alerts.error_rate`",
     "`harness quarantine list --flow {flow} {cfg}`, then by reason (above)"),
    ("volume_high / volume_zero", "a run read far more, or nothing, than the flow usually does",
     "check the source for a mass edit or an outage; `harness history --flow {flow} {cfg}`"),
    ("quality_low / quality_drop", "a scheduled reconcile's accuracy is below the threshold or "
     "its trend", "open the latest reconcile report; `harness trend --flow {flow} {cfg}`"),
    ("duplicates_new", "more duplicates in the target than at the last reconcile",
     "the reconcile report's duplicates; merge them in the target, check the match keys"),
    ("quarantine_growing", "more records held than at the last reconcile",
     "`harness quarantine list --flow {flow} {cfg}`, then by reason (above)"),
)  # fmt: skip

VENDOR_FAULTS = (
    ("401 / 403 on every call", "credentials expired or revoked", "renew them in the "
     "environment ({variables}); then `harness sync --flow {flow} {cfg}`"),
    ("429 / limit exceeded", "the vendor's rate or daily allowance", "retried after "
     "Retry-After; a spent daily allowance stops the run: it resumes the next day"),
    ("5xx, timeouts, resets", "the vendor is degraded", "retried with backoff; after repeated "
     "failures the circuit opens and the run stops: `harness status {cfg}`, retry later"),
    ("a run killed midway", "intents without an outcome", "the next run settles them by "
     "itself (`harness audit {cfg}` shows them); nothing to do"),
)  # fmt: skip


def render_runbook(config: HarnessConfig) -> str:
    cfg, flow = f"--config {config.path.name}", "FLOW"
    contacts = dict(config.alerts.contacts)
    lines = [f"# Runbook: {_pair(config)}", "",
             f"Generated by `harness runbook {cfg}` from {config.path.name}; regenerate it "
             "when the config changes.", ""]  # fmt: skip
    lines += _integration(config)
    lines += _paging(config, contacts)
    lines += ["## Records held back (quarantine)", "",
              "| Reason | How it shows | Recovery | Who |", "|---|---|---|---|"]  # fmt: skip
    for f in QUARANTINE:
        steps = "<br>".join(what + (f": `{command.format(cfg=cfg, flow=flow)}`" if command else "")
                            for what, command in f.steps)  # fmt: skip
        lines.append(f"| {f.name} | {f.shows} | {steps} | {contacts.get(f.who, f.who)} |")
    lines += ["", "## Alerts", "", "| Alert | Means | First steps |", "|---|---|---|"]
    lines += [f"| `{k}` | {m} | {s.format(cfg=cfg, flow=flow)} |" for k, m, s in ALERTS]
    variables = ", ".join(v for s in config.systems.values() for v in s.credentials.values())
    lines += ["", "## Vendor faults", "", "| Symptom | Cause | What to do |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c.format(cfg=cfg, flow=flow, variables=variables)} |"
              for a, b, c in VENDOR_FAULTS]  # fmt: skip
    lines += _rollback(cfg, flow)
    return "\n".join(lines) + "\n"


def _pair(config: HarnessConfig) -> str:
    labels = [connector_pack(s.vendor).label for s in config.systems.values()]
    return " <-> ".join(labels)


def _integration(config: HarnessConfig) -> list[str]:
    lines = ["## The integration", "", "FLOW in the commands below is one of these.", "",
             "| Flow | From -> to | Schedule | After |", "|---|---|---|---|"]  # fmt: skip
    for f in config.flows:
        when = f.schedule.describe() if f.schedule else "on demand"
        lines.append(f"| {f.name} | {f.source} -> {f.target} | {when} |"
                     f" {', '.join(f.depends_on) or '-'} |")  # fmt: skip
    for check in config.checks:
        lines.append(f"| {check.name} (check) | {check.describe()} |"
                     f" {check.schedule.describe()} | - |")  # fmt: skip
    return [*lines, ""]


def _paging(config: HarnessConfig, contacts: dict[str, str]) -> list[str]:
    channel = config.alerts.webhook_url_env
    where = "No alert webhook is configured (`alerts.webhook_url_env`)."
    if channel:
        where = f"Alerts go to the webhook in `{channel}` (test it: `harness alert test`)."
    lines = ["## Who is paged", "", where]
    if contacts:
        lines += ["", "| Role | Contact |", "|---|---|"]
        lines += [f"| {role} | {who} |" for role, who in sorted(contacts.items())]
    else:
        lines += ["", "No contacts are configured: add `alerts: {contacts: {oncall: ..., "
                  "data_steward: ..., crm: ..., erp: ...}}` to harness.yaml."]  # fmt: skip
    return [*lines, ""]


def _rollback(cfg: str, flow: str) -> list[str]:
    return [
        "", "## Rolling back a run", "",
        f"1. Find the run: `harness history --flow {flow} {cfg}` (or the alert's run id).",
        f"2. See what it would undo: `harness rollback RUN_ID --dry-run {cfg}`.",
        f"3. Undo it: `harness rollback RUN_ID {cfg}` (records edited since are reported, not "
        "overwritten; `--force` restores them too).",
        f"4. Check: `harness reconcile {cfg}`; then fix the cause before the flow runs again.",
        "", "## Starting over", "",
        f"A full run re-reads the source and repairs the target: `harness sync --flow {flow} "
        f"--full {cfg}`. A reconcile (`harness reconcile {cfg}`) proves the result.",
    ]  # fmt: skip


__all__ = ["render_runbook"]
