"""The public API behind `harness shadow-report` (and `harness reconcile --shadow`): turn a
dry-run or shadow run's planned changes into the shadow report, and write it under reports/."""

from __future__ import annotations

from pathlib import Path

from harness.config import HarnessConfig
from reconcile.shadow import ShadowReport, build_shadow_report, write_shadow_reports
from sync.errors import ConfigError
from sync.state import StateStore

PLANNING_MODES = ("dry-run", "shadow")


def shadow_report(
    config: HarnessConfig,
    run_id: str,
    *,
    reports_dir: Path | None = None,
    write: bool = True,
) -> tuple[ShadowReport, dict[str, Path]]:
    """The planned-changes report of run `run_id`; a live run, or an unknown id, is an error."""
    if not config.state_path.exists():
        raise ConfigError(
            f"no state file at {config.state_path}: run `harness sync --mode shadow` first",
            key="RUN_ID",
        )
    with StateStore(config.state_path) as state:
        run = state.get_run(run_id)
        if run is None:
            known = ", ".join(r.run_id for r in state.runs(limit=5) if r.mode in PLANNING_MODES)
            raise ConfigError(
                f"no run {run_id!r} in {config.state_path}; recent shadow or dry runs: "
                f"{known or 'none'}",
                key="RUN_ID",
            )
        if run.mode not in PLANNING_MODES:
            raise ConfigError(
                f"run {run_id} is a {run.mode} run: it wrote instead of planning; give the id "
                "of a `--mode shadow` or `--mode dry-run` run",
                key="RUN_ID",
            )
        report = build_shadow_report(run, state.planned_for_run(run_id))
    paths = write_shadow_reports(report, reports_dir or config.reports_dir) if write else {}
    return report, paths
