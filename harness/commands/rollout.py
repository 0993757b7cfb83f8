"""`harness rollout status|advance|hold`: the phased rollout harness.yaml declares, each
phase's gate judged from the reconciles since it started.

Exit codes: `status` 0 when the gate holds, 1 when it does not; `advance` 0 when it moved on,
1 when the gate refused it (nothing changes; `--force --reason` overrides, recorded); `hold`
0; 2 for bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from harness import output
from harness.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)

if TYPE_CHECKING:
    from harness.rollout import Standing

app = typer.Typer(help="A phased rollout: shadow, pilot, departments, all; each phase gated.")
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the decision).")]
ByOpt = Annotated[str, typer.Option("--by", help="Who decides (recorded).")]


@app.command("status")
def status(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The active phase, its segment, days in it and its gate, check by check."""

    def body() -> int:
        from harness.rollout import standing

        now = standing(load(config, env_file))
        _show(now, as_json)
        return EXIT_OK if now.gate_ok else EXIT_NO_GO

    raise typer.Exit(guarded(body))


@app.command("advance")
def advance(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Advance past a failing gate.")] = False,
    reason: ReasonOpt = "",
    by: ByOpt = "",
) -> None:
    """Start the next phase when the active one's gate holds (or with --force and --reason)."""

    def body() -> int:
        from harness.rollout import RolloutRefused
        from harness.rollout import advance as step

        cfg = load(config, env_file)
        try:
            judged = step(cfg, force=force, reason=reason, by=by)
        except RolloutRefused as refused:
            output.error(str(refused))
            return EXIT_NO_GO
        forced = " (forced past a failing gate)" if not judged.gate_ok else ""
        assert judged.next_phase is not None
        output.info(f"advanced from {judged.phase.name} to {judged.next_phase.name}{forced}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("hold")
def hold(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    reason: ReasonOpt = "",
    by: ByOpt = "",
) -> None:
    """Stay in the active phase, with a reason; advancing then needs --force."""

    def body() -> int:
        from harness.rollout import hold as keep

        keep(load(config, env_file), reason, by)
        output.info(f"holding: {reason.strip()}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _show(now: Standing, as_json: bool) -> None:
    doc = {
        "phase": now.phase.name,
        "mode": now.phase.mode,
        "since": now.state.since,
        "days": round(now.days, 2),
        "held": now.state.held,
        "gate_ok": now.gate_ok,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in now.checks],
        "next_phase": now.next_phase.name if now.next_phase else None,
        "decisions": [vars(d) for d in now.state.decisions],
    }
    if as_json:
        sys.stdout.write(orjson.dumps(doc).decode() + "\n")
        return
    segment = now.phase.segment
    what = "every record" if segment is None else segment.describe()
    output.console.print(f"[bold]{now.phase.name}[/bold] ({now.phase.mode}, {what}) since"
                         f" {now.state.since[:19]}Z, {now.days:.1f} days", markup=True)  # fmt: skip
    for check in now.checks:
        mark = "ok  " if check.ok else "FAIL"
        output.console.print(f"  {mark} {check.name}: {check.detail}", markup=False)
    nxt = now.next_phase.name if now.next_phase else "none (last phase)"
    verdict = "holds" if now.gate_ok else "does not hold"
    output.console.print(f"gate {verdict}; next phase: {nxt}", markup=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="rollout")
