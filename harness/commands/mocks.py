"""`harness mock-up` and `harness sandbox`: vendor mocks on loopback, and the whole loop."""

from __future__ import annotations

import gc
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from harness import output
from harness.commands.common import EXIT_NO_GO, EXIT_OK, guarded
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP, WorldSettings
from sync.errors import ConfigError

if TYPE_CHECKING:
    # The sandbox pulls in the mock servers (fastapi, uvicorn, faker): imported by the
    # commands that start one, so `harness --help` and every other command stay fast.
    from harness.sandbox import PairFlows
    from reconcile.model import ReconcileReport


class Chosen(NamedTuple):
    """The pair a sandbox runs, and the project that chose it (None: the registry's)."""

    crm: str
    erp: str
    project: PairFlows | None


DirtyOpt = Annotated[
    float, typer.Option(min=0, max=1, help="Share of accounts carrying an injected defect.")
]
FullBusinessOpt = Annotated[
    bool,
    typer.Option(
        "--full-business",
        help="Also generate contacts, catalogue, orders...; the CRM serves the contacts.",
    ),
]


def mock_up(
    crm: Annotated[str, typer.Option(help="CRM mock to start.")] = DEFAULT_CRM,
    erp: Annotated[str, typer.Option(help="ERP mock to start.")] = DEFAULT_ERP,
    seed: Annotated[int, typer.Option(help="World seed; the same seed gives the same data.")] = 42,
    accounts: Annotated[int, typer.Option(min=0, help="Accounts to seed into the CRM.")] = 1000,
    dirty: DirtyOpt = 0.0,
    full_business: FullBusinessOpt = False,
    https: Annotated[
        bool, typer.Option("--https/--http", help="Serve TLS with a local CA.")
    ] = True,
    crm_port: Annotated[int, typer.Option(help="CRM port (0 = any free port).")] = 0,
    erp_port: Annotated[int, typer.Option(help="ERP port (0 = any free port).")] = 0,
    workdir: Annotated[Path, typer.Option(help="Where the CA, env file and state go.")] = Path(
        ".harness"
    ),
    config_out: Annotated[Path, typer.Option("--config-out", help="harness.yaml to write.")] = Path(
        "harness.yaml"
    ),
    faults: Annotated[
        Path | None,
        typer.Option(
            "--faults",
            help="Fault plan (YAML, e.g. fixtures/faults/chaos_mixed.yaml) for both mocks;"
            " PUT /__harness/faults changes it while they run.",
        ),
    ] = None,
    show_secrets: Annotated[
        bool,
        typer.Option(
            "--show-secrets", help="Print the credentials, not only the env file holding them."
        ),
    ] = False,
) -> None:
    """Start mock vendor servers on loopback until Ctrl-C, with a ready harness.yaml."""

    def body() -> None:
        from harness.sandbox import start_mock_environment
        from harness.sandbox.mocks import apply_faults, load_fault_plan

        plan = load_fault_plan(faults) if faults is not None else None  # fail before starting
        world = WorldSettings(
            seed=seed, accounts=accounts, dirty=dirty, full_business=full_business
        )
        env = start_mock_environment(
            crm=crm,
            erp=erp,
            world=world,
            workdir=workdir,
            https=https,
            crm_port=crm_port,
            erp_port=erp_port,
            config_out=config_out,
        )
        # This process only serves the mocks from here on: the seeded world is long-lived,
        # and keeping it out of the cyclic collector's scans speeds every request.
        gc.collect()
        gc.freeze()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            if plan is not None:
                counts = apply_faults(env.mocks, plan)
                rules = ", ".join(f"{n} rule(s) on {vendor}" for vendor, n in counts.items())
                output.info(f"fault plan {faults}: {rules}")
            output.print_mock_environment(env, show_secrets=show_secrets)
            output.info(f"ground truth: {env.manifest_path}")
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            env.mocks.stop()
            output.info("mocks stopped")

    guarded(body)


CrmOpt = Annotated[
    str | None,
    typer.Option(help=f"CRM pack to sandbox (default: the project's, else {DEFAULT_CRM})."),
]
ErpOpt = Annotated[
    str | None,
    typer.Option(help=f"ERP pack to sandbox (default: the project's, else {DEFAULT_ERP})."),
]
ProjectOpt = Annotated[
    Path,
    typer.Option(
        "--config",
        help="A project's harness.yaml (as `harness init` writes it): its pair, flows and"
        " mappings are used unless --crm or --erp is given.",
    ),
]


def sandbox(
    crm: CrmOpt = None,
    erp: ErpOpt = None,
    config: ProjectOpt = Path("harness.yaml"),
    seed: Annotated[int, typer.Option(help="World seed.")] = 42,
    accounts: Annotated[int, typer.Option(min=0, help="Accounts in the CRM.")] = 1000,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (CA, config, state).")] = Path(
        ".harness/sandbox"
    ),
    reports_dir: Annotated[Path, typer.Option(help="Where reports go.")] = Path("reports"),
    erp_overflow: Annotated[
        str, typer.Option(help="ERP behaviour on over-long text: reject or truncate.")
    ] = "reject",
    missing_country_rate: Annotated[float, typer.Option(min=0, max=1)] = 0.0,
    long_name_rate: Annotated[float, typer.Option(min=0, max=1)] = 0.0,
    dirty: DirtyOpt = 0.0,
    full_business: FullBusinessOpt = False,
    all_flows: Annotated[
        bool,
        typer.Option(
            "--all-flows",
            help="Every business flow of the pair, both directions, on a full-business"
            " world: synced in dependency order, each reconciled.",
        ),
    ] = False,
) -> None:
    """Start both mocks, seed them, sync, reconcile and print the go/no-go scorecard."""

    def body() -> int:
        from harness.sandbox import run_sandbox

        if erp_overflow not in ("reject", "truncate"):
            raise ConfigError("choose reject or truncate", key="--erp-overflow")
        world = WorldSettings(
            seed=seed,
            accounts=accounts,
            missing_country_rate=missing_country_rate,
            long_name_rate=long_name_rate,
            dirty=dirty,
            full_business=full_business or all_flows,
        )
        pair = _pair(crm, erp, config)
        if all_flows:
            return _all_flows(world, workdir, reports_dir, pair)
        with output.progress_bar("starting mocks") as bar:
            outcome = run_sandbox(
                world=world,
                workdir=workdir,
                reports_dir=reports_dir,
                crm=pair.crm,
                erp=pair.erp,
                project=pair.project,
                erp_overflow=erp_overflow,
                on_stage=bar.stage,
                progress=lambda _obj, n: bar.advance(n),
            )
        output.print_run(outcome.sync)
        output.print_scorecard(outcome.report, outcome.paths)
        return EXIT_OK if outcome.report.verdict.go else EXIT_NO_GO

    raise typer.Exit(guarded(body))


def _pair(crm: str | None, erp: str | None, config: Path) -> Chosen:
    """The pair to sandbox: named on the command line, else the project's, else the default."""
    from harness.sandbox import project_flows

    if crm is None and erp is None:
        project = project_flows(config)
        if project is not None:
            output.info(f"using {config}: {project.crm} -> {project.erp}, "
                        f"{len(project.flows)} flow(s)")  # fmt: skip
            return Chosen(project.crm, project.erp, project)
    return Chosen(crm or DEFAULT_CRM, erp or DEFAULT_ERP, None)


def _all_flows(world: WorldSettings, workdir: Path, reports_dir: Path, pair: Chosen) -> int:
    """Every business flow in dependency order, then a scorecard per flow."""
    from harness.sandbox.flows import per_flow, run_business_sandbox

    with output.progress_bar("starting mocks") as bar:
        outcome = run_business_sandbox(
            world=world,
            workdir=workdir,
            reports_dir=reports_dir,
            crm=pair.crm,
            erp=pair.erp,
            project=pair.project,
            on_stage=bar.stage,
            progress=lambda _obj, n: bar.advance(n),
        )
    for run in outcome.runs:
        output.print_run(run)
    scorecards = per_flow(outcome.report)
    for n, one in enumerate(scorecards, start=1):
        output.print_scorecard(one, outcome.paths if n == len(scorecards) else None)
    output.info(all_flows_line(scorecards))
    return EXIT_OK if outcome.report.verdict.go else EXIT_NO_GO


def all_flows_line(scorecards: list[ReconcileReport]) -> str:
    """The last line of `sandbox --all-flows`: the verdict, and which flows fail and why."""
    failing = [one for one in scorecards if not one.verdict.go]
    total = f"{len(scorecards)} flows reconciled"
    if not failing:
        return f"all flows: GO ({total})"
    named = "; ".join(
        f"{one.flows[0].flow} ({', '.join(c.name for c in one.verdict.checks if not c.ok)})"
        for one in failing
    )
    return f"all flows: NO-GO ({total}; failing: {named})"


def register(app: typer.Typer) -> None:
    app.command("mock-up")(mock_up)
    app.command("sandbox")(sandbox)
