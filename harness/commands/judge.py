"""`harness judge -- COMMAND ...`: run a team's own integration against the sandboxes and
judge it: GO (0) when both systems reconcile through the flows' mappings and it treated the
vendors' APIs as they ask, NO-GO (1) naming each failing check and cause, 2 on an error."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from harness import output
from harness.commands.common import EXIT_NO_GO, EXIT_OK, EnvFileOpt, JsonOpt, guarded
from harness.commands.mocks import Chosen, CrmOpt, DirtyOpt, ErpOpt, _pair
from harness.config import apply_env_file, load_config
from mocks.world.settings import WorldSettings
from sync.errors import ConfigError

if TYPE_CHECKING:
    from harness.judge import JudgeOutcome
    from harness.sandbox import PairFlows, Sandbox

FlowOpt = Annotated[
    list[str] | None,
    typer.Option("--flow", help="A flow to judge (repeatable; default: the pair's customers)."),
]
MappingsOpt = Annotated[
    Path | None,
    typer.Option(
        "--mappings",
        help="A folder of <flow>.yaml mappings: the team's own"
        " specification, replacing the pair's shipped or compiled ones.",
    ),
]


def judge(
    command: Annotated[
        list[str] | None, typer.Argument(help="The integration to run, after --.")
    ] = None,
    crm: CrmOpt = None,
    erp: ErpOpt = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="A project's harness.yaml (as `harness init` writes it): its pair, flows and"
            " mappings are used unless --crm or --erp is given (default: ./harness.yaml, if"
            " there is one).",
        ),
    ] = None,
    flow: FlowOpt = None,
    mappings: MappingsOpt = None,
    seed: Annotated[int, typer.Option(help="World seed.")] = 42,
    accounts: Annotated[int, typer.Option(min=1, help="Accounts in the CRM.")] = 200,
    dirty: DirtyOpt = 0.0,
    long_names: Annotated[
        float,
        typer.Option(
            min=0, max=1, help="Share of customers renamed to 35-80 characters before the run."
        ),
    ] = 0.2,
    faults: Annotated[
        str | None,
        typer.Option(
            help="A fault plan for both sandboxes while the command runs: a YAML file, or the"
            " name of a shipped one (rate_limit_storm, chaos_mixed, ...)."
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds the command may run.")] = 600,
    quiet_for: Annotated[
        float | None,
        typer.Option(
            min=0.5,
            help="Stop a long-running integration once the sandboxes have had no request"
            " for this many seconds (still bounded by --timeout).",
        ),
    ] = None,
    keep_up: Annotated[
        bool,
        typer.Option("--keep-up", help="Keep the sandboxes up after the verdict, until Ctrl-C."),
    ] = False,
    call_factor: Annotated[
        float, typer.Option(min=1, help="API calls allowed, as a multiple of the vendor minimum.")
    ] = 3.0,
    call_allowance: Annotated[
        int, typer.Option(min=0, help="API calls allowed on top, per system (metadata, logins).")
    ] = 10,
    max_auth_failures: Annotated[int, typer.Option(min=0)] = 0,
    max_429s: Annotated[
        int | None, typer.Option("--max-429s", min=0, help="Gate the 429s drawn too.")
    ] = None,
    max_retries: Annotated[int | None, typer.Option(min=0, help="Gate the retries too.")] = None,
    running: Annotated[
        Path | None,
        typer.Option(
            "--running",
            help="Judge against sandboxes already up: the harness.yaml `harness mock-up` wrote"
            " (with --env-file, the env file it wrote). They are reseeded, not stopped.",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            help="Loopback URL the command listens on; the CRM (HubSpot) pushes its webhooks"
            " there, signed v3 (also in HARNESS_WEBHOOK_URL).",
        ),
    ] = None,
    webhook_edits: Annotated[
        int,
        typer.Option(
            "--webhook-edits", min=0, help="Companies a sales rep renames in the CRM meanwhile."
        ),
    ] = 3,
    env_file: EnvFileOpt = None,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (CA, .env, state).")] = Path(
        ".harness/judge"
    ),
    reports_dir: Annotated[Path, typer.Option(help="Where reports go.")] = Path("reports"),
    json_out: JsonOpt = False,
) -> None:
    """Judge your own integration: sandboxes up and seeded, COMMAND run against them with
    their URLs, CA and credentials in its environment, then both systems reconciled through
    the flows' mappings and the vendors' request journals weighed."""

    def body() -> int:
        from harness.judge import JudgeSettings, Limits, WebhookPlan, run_judge
        from harness.judge.shipped import fault_plan

        plan = fault_plan(faults) if faults is not None else None  # checked before starting
        if env_file is not None:
            apply_env_file(env_file, os.environ)
        if config is not None and not config.is_file():
            load_config(config, os.environ)  # says the named config is missing, as others do
        project_config = config or Path("harness.yaml")
        chosen = _running_pair(running) if running is not None else _pair(crm, erp, project_config)
        project = _with_mappings(chosen.crm, chosen.erp, chosen.project, mappings, workdir)
        names = tuple(flow or ())
        world = WorldSettings(
            seed=seed,
            accounts=accounts,
            dirty=dirty,
            full_business=any(n != "customers" for n in names),
        )
        limits = Limits(
            call_factor=call_factor,
            call_allowance=call_allowance,
            max_auth_failures=max_auth_failures,
            max_rate_limited=max_429s,
            max_retries=max_retries,
        )
        settings = JudgeSettings(
            command=tuple(command or ()),
            workdir=workdir,
            reports_dir=reports_dir,
            world=world,
            crm=chosen.crm,
            erp=chosen.erp,
            project=project,
            flows=names,
            faults=plan,
            timeout=timeout,
            quiet_for=quiet_for,
            limits=limits,
            long_names=long_names,
            running=running,
            webhook=WebhookPlan(webhook, edits=webhook_edits) if webhook else None,
        )
        with output.progress_bar("starting sandboxes") as bar:
            outcome = run_judge(
                settings, on_stage=bar.stage, hold=_hold if keep_up and not json_out else None
            )
        _print(outcome, json_out)
        return EXIT_OK if outcome.report.verdict.go else EXIT_NO_GO

    raise typer.Exit(guarded(body))


def _with_mappings(
    crm: str, erp: str, project: PairFlows | None, folder: Path | None, workdir: Path
) -> PairFlows | None:
    """The pair's flows, with the team's mappings in place of those of the same name."""
    from harness.judge import team_flows
    from harness.sandbox import pair_flows

    if folder is None:
        return project
    return team_flows(project or pair_flows(crm, erp, workdir), folder)


def _running_pair(path: Path) -> Chosen:
    """The pair the running sandboxes' harness.yaml names (its systems' vendors)."""
    from sync.connectors import connector_pack

    config = load_config(path, os.environ)
    vendors = {connector_pack(s.vendor).role: s.vendor for s in config.systems.values()}
    if set(vendors) != {"crm", "erp"}:
        raise ConfigError(f"{path} must name one CRM and one ERP", file=str(path))
    return Chosen(vendors["crm"], vendors["erp"], None)


def _print(outcome: JudgeOutcome, json_out: bool) -> None:
    if json_out:
        typer.echo(orjson.dumps(outcome.to_json()).decode())
        return
    output.info(
        f"command: {' '.join(outcome.command.argv)}: {outcome.command.describe()}"
        f" (output in {outcome.command.log_path})"
    )
    for u in outcome.usage:
        waits = u.retry_after
        scope = ", ".join(sorted(u.out_of_scope)) or "none"
        output.info(
            f"{u.role} ({u.vendor}): {u.calls} API calls (vendor minimum {u.minimum_calls};"
            f" per synced record {u.calls_per_record}, minimum {u.minimum_per_record}),"
            f" 429s drawn {u.rate_limited} (retried after the wait asked"
            f" {waits.get('honoured', 0)}, too soon {waits.get('ignored', 0)}), retries"
            f" {u.retries}, failed auths"
            f" {u.auth_failures}, writes outside the mapping: {scope}"
        )
    output.print_scorecard(outcome.report, outcome.paths)


def _hold(box: Sandbox) -> None:
    """`--keep-up`: the sandboxes stay up for a look around until Ctrl-C or SIGTERM."""
    output.info(
        f"sandboxes up: CRM {box.mocks.crm.url}, ERP {box.mocks.erp.url};"
        f" variables in {box.workdir / '.env'}; Ctrl-C stops them"
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    app.command("judge")(judge)
