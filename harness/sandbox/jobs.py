"""The jobs built on a sandbox: `harness sandbox` (the loop behind `make demo`) and
`harness mock-up` (mocks until stopped, with the files a user needs to reach them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.sandbox.box import Sandbox
from harness.sandbox.files import retire_state, write_config, write_env_file, write_ground_truth
from harness.sandbox.mocks import MockPair, start_mocks
from harness.sandbox.pairs import PairFlows, pair_flows
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import ReconcileReport
from reconcile.reading import ProgressFn
from sync.engine import RunResult


@dataclass
class SandboxOutcome:
    sync: RunResult
    report: ReconcileReport
    paths: dict[str, Path]
    config_path: Path


@dataclass
class MockEnvironment:
    """What `harness mock-up` started and wrote."""

    mocks: MockPair
    config_path: Path
    env_path: Path
    manifest_path: Path  # the world's settings and every defect each mock injected
    retired_state: Path | None = None  # an earlier sandbox's state file, kept aside


def start_mock_environment(
    *,
    crm: str,
    erp: str,
    world: WorldSettings,
    workdir: Path,
    https: bool,
    crm_port: int,
    erp_port: int,
    config_out: Path,
) -> MockEnvironment:
    """`harness mock-up`: the pair's mocks until stopped, with a harness.yaml and an env file
    for them, the ground truth written, and an earlier sandbox's state moved aside."""
    mocks = start_mocks(
        crm=crm,
        erp=erp,
        world=world,
        workdir=workdir,
        https=https,
        crm_port=crm_port,
        erp_port=erp_port,
    )
    try:
        pair = pair_flows(crm, erp, workdir)
        config_path = write_config(
            mocks,
            config_out,
            mapping=pair.default.mapping,
            state_path=workdir / "state.db",
            reports_dir=Path("reports"),
        )
        env_path = write_env_file(mocks.env, workdir / "mock.env")
        retired = retire_state(workdir / "state.db")
        manifest = write_ground_truth(mocks, world, workdir / "ground-truth.json")
    except Exception:
        mocks.stop()
        raise
    return MockEnvironment(mocks, config_path, env_path, manifest, retired)


def run_sandbox(
    *,
    world: WorldSettings,
    workdir: Path,
    reports_dir: Path,
    crm: str = DEFAULT_CRM,
    erp: str = DEFAULT_ERP,
    project: PairFlows | None = None,
    erp_overflow: str = "reject",
    on_stage: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> SandboxOutcome:
    """The main job: mocks up, seed, full sync of the pair's default flow, reconcile, reports
    written. `project` (a `harness init` folder's flows) decides the pair and mappings."""
    stage = on_stage or (lambda _s: None)
    stage("starting mocks")
    with Sandbox.start(
        workdir, world, crm=crm, erp=erp, pair=project, reports_dir=reports_dir
    ) as box:
        if erp_overflow != "reject":
            box.knob("erp", "truncate_overflow", True)
        stage("syncing")
        result = box.sync(full=True, progress=progress)
        stage("reconciling")
        report, paths = box.reconcile(progress=progress)
        return SandboxOutcome(result, report, paths, box.config_path)


__all__ = ["MockEnvironment", "SandboxOutcome", "run_sandbox", "start_mock_environment"]
