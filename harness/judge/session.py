"""One judgement: sandboxes up and seeded, the team's command run against them, then both
systems reconciled through the flows' mappings and the journals weighed, into one report.

`harness judge` and the pytest plugin's "When my integration runs" both call `judge_in`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from harness.api import open_connectors
from harness.judge.admin import admin
from harness.judge.attach import attach
from harness.judge.env import command_env, write_dotenv
from harness.judge.runner import CommandResult, run_command
from harness.judge.usage import JUDGE, FlowScope, Limits, SystemUsage, system_usage, usage_checks
from harness.judge.verdict import reconcile_judged, with_checks
from harness.judge.webhooks import (
    WEBHOOK_URL_ENV,
    SalesRep,
    WebhookPlan,
    quiet_with_webhooks,
    webhook_checks,
)
from harness.judge.webhooks import configure as configure_webhooks
from harness.judge.webhooks import status as webhook_status
from harness.judge.webhooks import summary as webhook_summary
from harness.judge.world import lengthen_names
from harness.sandbox import PairFlows, Sandbox
from harness.sandbox.pairs import FlowDef
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import Check, ReconcileReport
from reconcile.render import write_reports
from sync.connectors.base import Connector
from sync.errors import ConfigError
from sync.mapping import load_mapping

ROLES = ("crm", "erp")
WEBHOOK_QUIET_SECONDS = 5.0
Stage = Callable[[str], None]


@dataclass(frozen=True)
class JudgeSettings:
    """Everything one judgement needs; `flows` empty: the pair's default flow."""

    command: tuple[str, ...]
    workdir: Path
    reports_dir: Path
    world: WorldSettings = field(default_factory=WorldSettings)
    crm: str = DEFAULT_CRM
    erp: str = DEFAULT_ERP
    project: PairFlows | None = None
    flows: tuple[str, ...] = ()
    faults: Path | None = None  # a fault plan for both sandboxes while the command runs
    timeout: float = 600.0
    quiet_for: float | None = None
    limits: Limits = field(default_factory=Limits)
    cwd: Path | None = None
    # A harness.yaml naming sandboxes already running (`harness mock-up`): judged there,
    # reseeded with `world`, and left running.
    running: Path | None = None
    # Share of the CRM's customers given a name of 35-80 characters before the run (the
    # generated names are shorter, and real ones are not): where a cut shows.
    long_names: float = 0.2
    # HubSpot pushes its events here (`harness.judge.webhooks`): the command listens on it;
    # a rep renames `webhook.edits` companies while it runs. Needs a long-running command:
    # `quiet_for` defaults to WEBHOOK_QUIET_SECONDS then.
    webhook: WebhookPlan | None = None


@dataclass(frozen=True)
class JudgeOutcome:
    report: ReconcileReport
    paths: dict[str, Path]
    command: CommandResult
    usage: tuple[SystemUsage, ...]
    env_path: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": "GO" if self.report.verdict.go else "NO-GO",
            "reasons": list(self.report.verdict.reasons),
            "command": {
                "argv": list(self.command.argv),
                "exit_code": self.command.exit_code,
                "ending": self.command.ending,
                "seconds": round(self.command.seconds, 3),
                "log": str(self.command.log_path),
            },
            "usage": [u.to_json() for u in self.usage],
            "root_causes": {f.flow: f.root_causes for f in self.report.flows},
            "reports": {k: str(v) for k, v in self.paths.items()},
        }


def run_judge(
    settings: JudgeSettings,
    *,
    on_stage: Stage | None = None,
    hold: Callable[[Sandbox], None] | None = None,
) -> JudgeOutcome:
    """Start the pair's sandboxes, judge the command in them (`judge_in`), stop them; `hold`
    runs before they stop (`--keep-up` waits there for Ctrl-C)."""
    stage = on_stage or (lambda _s: None)
    if not settings.command:  # before anything starts
        raise ConfigError("no command to judge: give it after `--`", key="COMMAND")
    if settings.running is not None:
        stage("seeding the running sandboxes")
        box = attach(settings.running, os.environ, settings.workdir, settings.project)
        box.reseed(settings.world)
        try:
            outcome = judge_in(box, settings, on_stage=stage)
        finally:
            box.clear_faults()
        if hold is not None:
            hold(box)
        return outcome
    stage("starting sandboxes")
    with Sandbox.start(
        settings.workdir,
        settings.world,
        crm=settings.crm,
        erp=settings.erp,
        pair=settings.project,
        reports_dir=settings.reports_dir,
    ) as box:
        outcome = judge_in(box, settings, on_stage=stage)
        if hold is not None:
            hold(box)
        return outcome


def judge_in(
    box: Sandbox, settings: JudgeSettings, *, on_stage: Stage | None = None
) -> JudgeOutcome:
    """Run the command against running sandboxes and judge what it left there."""
    stage = on_stage or (lambda _s: None)
    names = choose_flows(box, settings.flows)
    box.use_flows(box.pair.flows)  # every flow configured: references need their mappings
    lengthen_names(box, settings.long_names, seed=settings.world.seed)
    for role in ROLES:
        admin(box, role, "DELETE", "/journal")
        if settings.faults is not None:
            box.set_faults(role, settings.faults)
    extra = {WEBHOOK_URL_ENV: settings.webhook.url} if settings.webhook else {}
    env_path = write_dotenv(box, box.workdir / ".env", extra)
    rep = _webhooks_ready(box, settings, names)
    stage("running the integration")
    result = _run(box, settings, {**command_env(box), **extra}, rep)
    box.clear_faults()  # the reconcile reads what is there, not through the faults
    journals = {role: admin(box, role, "GET", "/journal", params={"limit": 0}) for role in ROLES}
    stage("reconciling")
    with open_connectors(box.config, read_only=True) as connectors:
        report = reconcile_judged(box.config, connectors, names)
        scopes = flow_scopes(box, names, report)
        stamped = vendor_stamped(connectors, scopes)
    vendors = {"crm": box.mocks.crm.vendor.name, "erp": box.mocks.erp.vendor.name}
    synced = synced_records(journals, scopes)
    usage = tuple(
        system_usage(role, vendors[role], journals[role], scopes, stamped[role], vendors, synced)
        for role in ROLES
    )
    checks = [command_check(result), *usage_checks(usage, settings.limits)]
    judged: dict[str, Any] = {
        "command": list(result.argv),
        "ending": result.ending,
        "exit_code": result.exit_code,
        "usage": [u.to_json() for u in usage],
    }
    if rep is not None and settings.webhook is not None:
        hub = webhook_status(box)
        # Sandboxes left running (`--running`, `--keep-up`) must not push to a dead URL.
        admin(box, "crm", "PUT", "/webhooks", json={"targetUrl": None, "subscriptions": []})
        checks.extend(webhook_checks(settings.webhook, rep, hub))
        judged["webhooks"] = webhook_summary(rep, hub)
    report = with_checks(report, checks)
    report = replace(report, meta={**report.meta, "judge": judged})  # in the JSON report
    paths = write_reports(report, settings.reports_dir, stem="judge")
    outcome = JudgeOutcome(report, paths, result, usage, env_path)
    usage_path = settings.reports_dir / "judge-usage.json"
    usage_path.write_bytes(orjson.dumps(outcome.to_json(), option=orjson.OPT_INDENT_2))
    return JudgeOutcome(report, {**paths, "usage": usage_path}, result, usage, env_path)


def _run(
    box: Sandbox, settings: JudgeSettings, env: dict[str, str], rep: SalesRep | None
) -> CommandResult:
    """The command, bounded; with webhooks, the rep edits meanwhile and the run is quiet
    only once every event is delivered."""
    quiet_for = settings.quiet_for

    def quiet() -> float | None:
        return quiet_seconds(box)

    probe = quiet
    if rep is not None:
        quiet_for = quiet_for or WEBHOOK_QUIET_SECONDS
        probe = quiet_with_webhooks(box, quiet, rep)
        rep.start()
    try:
        return run_command(
            settings.command,
            env=env,
            cwd=settings.cwd or Path.cwd(),
            log_path=settings.reports_dir / "judge-command.log",
            timeout=settings.timeout,
            quiet_for=quiet_for,
            quiet=probe,
        )
    finally:
        if rep is not None:
            rep.stop.set()


def _webhooks_ready(box: Sandbox, settings: JudgeSettings, names: list[str]) -> SalesRep | None:
    """Point the CRM's webhooks at the command's URL and ready the rep (None: no webhook)."""
    plan = settings.webhook
    if plan is None:
        return None
    configure_webhooks(box, plan, names)
    settle = min(1.0, (settings.quiet_for or WEBHOOK_QUIET_SECONDS) / 2)
    return SalesRep(
        box,
        plan,
        lambda: quiet_seconds(box),
        settle,
        settings.world.seed,
        time.monotonic() + settings.timeout,
    )


def team_flows(pair: PairFlows, folder: Path | None) -> PairFlows:
    """The pair's flows with a team's own mappings (`<flow>.yaml` in `folder`) in place of
    those of the same name: the team's specification of what its integration must do."""
    if folder is None:
        return pair
    if not folder.is_dir():
        raise ConfigError(f"no mappings folder at {folder}", key="--mappings")
    names = {f.name for f in pair.flows}
    files = {p.stem for p in folder.glob("*.yaml")}
    if not files & names:  # judging the shipped spec while the team thinks it is theirs
        raise ConfigError(f"no mapping in {folder} is named after a flow of the pair ("
                          f"found: {', '.join(sorted(files)) or 'none'}; flows:"
                          f" {', '.join(sorted(names))}); name each <flow>.yaml",
                          key="--mappings")  # fmt: skip
    flows = tuple(
        replace(f, mapping=(folder / f"{f.name}.yaml").resolve())
        if (folder / f"{f.name}.yaml").is_file()
        else f
        for f in pair.flows
    )
    return replace(pair, flows=flows, origin="project")


def choose_flows(box: Sandbox, wanted: Sequence[str]) -> list[str]:
    """The flows to judge, checked against the pair's (an unknown one names the known)."""
    if not wanted:
        return [box.pair.default.name]
    return [box.pair.flow(name).name for name in wanted]


def synced_records(journals: Mapping[str, Any], scopes: Sequence[FlowScope]) -> int:
    """Records the judged flows wrote to their target objects (one per store change)."""
    total = 0
    for scope in scopes:
        written = journals[scope.target_role]["summary"]["records_written_by_writes"]
        total += int(written.get(scope.target_object, 0))
    return total


def command_check(result: CommandResult) -> Check:
    """The command's own verdict: a non-zero exit (or a time-out) is NO-GO by itself."""
    value = 0 if result.ok else (124 if result.ending == "timed_out" else result.exit_code or 1)
    return Check(JUDGE, "command exit status", value, 0, result.ok, "<=", "count")


def flow_scopes(box: Sandbox, names: Sequence[str], report: ReconcileReport) -> list[FlowScope]:
    """What each judged flow may write: its target object and the top-level fields its
    mapping writes there (the external id included)."""
    sources = {f.flow: f.source_records for f in report.flows}
    scopes = []
    for name in names:
        flow: FlowDef = box.pair.flow(name)
        spec = load_mapping(box.config.flow(name).mapping)
        fields = frozenset(path.split(".")[0] for path in spec.target_paths)
        scopes.append(
            FlowScope(
                name,
                flow.source,
                flow.target,
                spec.source.object,
                spec.target.object,
                fields,
                sources.get(name, 0),
            )
        )
    return scopes


def vendor_stamped(
    connectors: Mapping[str, Connector], scopes: Sequence[FlowScope]
) -> dict[str, dict[str, frozenset[str]]]:
    """Per role and target object, the fields no client can write (the vendor's metadata
    says neither createable nor updateable): stamps the vendor writes itself."""
    found: dict[str, dict[str, frozenset[str]]] = {role: {} for role in ROLES}
    for scope in scopes:
        schema = connectors[scope.target_role].describe(scope.target_object)
        found[scope.target_role][scope.target_object] = frozenset(
            name for name, f in schema.fields.items() if not (f.createable or f.updateable)
        )
    return found


def quiet_seconds(box: Sandbox) -> float | None:
    """Seconds since either sandbox last answered a vendor request (None: none yet)."""
    quiet = [
        admin(box, role, "GET", "/journal", params={"limit": 0, "summary": "false"})[
            "quiet_seconds"
        ]
        for role in ROLES
    ]
    heard = [q for q in quiet if q is not None]
    return min(heard) if heard else None


__all__ = ["JudgeOutcome", "JudgeSettings", "choose_flows", "judge_in", "run_judge", "team_flows"]
