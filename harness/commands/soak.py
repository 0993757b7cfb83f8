"""`harness soak`: weeks of business in minutes, on a mock clock, then GO or NO-GO."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness import output
from harness.commands.common import EXIT_NO_GO, EXIT_OK, guarded
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from sync.errors import ConfigError

IncidentOpt = Annotated[
    str | None,
    typer.Option(
        "--incident",
        metavar="DAY:PLAN",
        help="A fault plan on the ERP mock for one simulated day: a name from fixtures/faults/"
        " (9:rate_limit_storm) or a YAML file (9:my_plan.yaml).",
    ),
]


def soak(
    days: Annotated[int, typer.Option(min=1, max=366, help="Simulated days.")] = 14,
    crm: Annotated[str, typer.Option(help="CRM pack.")] = DEFAULT_CRM,
    erp: Annotated[str, typer.Option(help="ERP pack.")] = DEFAULT_ERP,
    accounts: Annotated[int, typer.Option(min=1, help="Customers in the world.")] = 2000,
    seed: Annotated[int, typer.Option(help="World and churn seed.")] = 42,
    incident: IncidentOpt = None,
    speed: Annotated[
        float,
        typer.Option(
            min=0,
            help="Simulated seconds per real second while work runs (0: time moves only"
            " in the soak's jumps).",
        ),
    ] = 60.0,
    cadence: Annotated[
        float,
        typer.Option(min=0.25, max=24, help="Hours between runs of a flow without a schedule."),
    ] = 4.0,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (CA, config, state).")] = Path(
        ".harness/soak"
    ),
    reports_dir: Annotated[Path, typer.Option(help="Where reports go.")] = Path("reports"),
) -> None:
    """Run the sandbox through DAYS simulated days on one mock clock: daily churn from the
    canonical world, every flow on its cadence, a reconcile and a profile each day. Writes
    soak.json, soak.md and soak.html (the timeline as charts). Exit 0 GO, 1 NO-GO."""

    def body() -> int:
        from harness.soak import Incident, SoakSettings, run_soak

        chosen = Incident.parse(incident) if incident else None
        settings = SoakSettings(
            workdir=workdir,
            reports_dir=reports_dir,
            days=days,
            crm=crm,
            erp=erp,
            accounts=accounts,
            seed=seed,
            incident=chosen,
            speed=speed,
            cadence_hours=cadence,
        )
        try:
            settings.check()
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        outcome = run_soak(settings, on_day=lambda row: output.info(_day_line(row)))
        timeline = outcome.timeline
        for reason in timeline.reasons():
            output.info(f"breach: {reason}")
        for kind, path in outcome.paths.items():
            output.info(f"{kind} report: {path}")
        verdict = "GO" if timeline.go else "NO-GO"
        output.info(
            f"soak: {verdict} ({len(timeline.days)} days in {timeline.wall_seconds:,.1f} s)"
        )
        return EXIT_OK if timeline.go else EXIT_NO_GO

    raise typer.Exit(guarded(body))


def _day_line(row: object) -> str:
    from harness.soak import DayRow

    assert isinstance(row, DayRow)
    failing = sorted({f.flow for f in row.flows if f.breaches})
    result = "pass" if row.passed else f"FAIL ({', '.join(failing) or 'API budget'})"
    return f"day {row.day} {row.date}: {result} [{row.wall_seconds:.1f} s]"


def register(app: typer.Typer) -> None:
    app.command("soak")(soak)
