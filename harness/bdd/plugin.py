"""pytest plugin: sandbox fixtures and the Gherkin step library for integration scenarios.

Installed with the package (entry point `pytest11`), so a team's own feature files use the
same steps against their own pair and mappings. The pair comes from `--harness-crm` /
`--harness-erp`, else the `harness_crm` / `harness_erp` ini options (`harness init` writes
them), else the reference pair; a conftest can also override the `harness_pair` fixture.
When the project's harness.yaml (ini `harness_config`) names that pair, its flows and
mappings are the ones the scenarios run; otherwise the pair's shipped or compiled ones.
Each pair's mocks start once per session; every scenario gets them emptied (its Given steps
seed a world), with faults cleared, knobs restored and a fresh state file.

A team judging its own integration names it with `--harness-command` (or the ini option
`harness_command`), the flows to judge with `--harness-flows` (`harness_flows`), and, if
it writes its own, a folder of mappings with `--harness-mappings` (`harness_mappings`);
"When my integration runs" (`harness.bdd.steps.judge`) then runs and judges it.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.api import open_connectors
from harness.judge import JudgeOutcome, JudgeSettings, judge_in, team_flows
from harness.judge.session import choose_flows
from harness.judge.shipped import fault_plan
from harness.judge.verdict import reconcile_judged
from harness.sandbox import PairFlows, Sandbox, pair_flows, project_flows
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import ReconcileReport

Pair = tuple[str, str]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "CRM <-> ERP sandboxes for integration scenarios")
    group.addoption("--harness-crm", default=None, help="CRM pack the scenarios run against.")
    group.addoption("--harness-erp", default=None, help="ERP pack the scenarios run against.")
    parser.addini("harness_crm", "CRM pack the scenarios run against", default=DEFAULT_CRM)
    parser.addini("harness_erp", "ERP pack the scenarios run against", default=DEFAULT_ERP)
    parser.addini(
        "harness_config",
        "the project's harness.yaml (its flows and mappings)",
        default="harness.yaml",
    )
    group.addoption("--harness-command", default=None, help="The integration to judge.")
    group.addoption("--harness-flows", default=None, help="Flows to judge (comma-separated).")
    group.addoption(
        "--harness-mappings", default=None, help="A folder of <flow>.yaml mappings to judge by."
    )
    parser.addini("harness_command", "the integration to judge (a command line)", default="")
    parser.addini("harness_flows", "flows to judge, comma-separated", default="customers")
    parser.addini("harness_mappings", "a folder of <flow>.yaml mappings", default="")


def _setting(config: pytest.Config, name: str) -> str:
    """A plugin setting: the command-line option, else the ini value."""
    given = config.getoption(f"--{name.replace('_', '-')}")
    return str(given if given is not None else config.getini(name)).strip()


class SandboxPool:
    """One started sandbox per pair, for the whole session; stopped when it ends."""

    def __init__(self, root: Path, project: PairFlows | None = None) -> None:
        self._root = root
        self._project = project
        self._stack = ExitStack()
        self._boxes: dict[Pair, Sandbox] = {}

    def get(self, pair: Pair) -> Sandbox:
        if pair not in self._boxes:
            workdir = self._root / f"{pair[0]}-{pair[1]}"
            project = self._project
            if project is not None and (project.crm, project.erp) != pair:
                project = None
            world = WorldSettings(accounts=0)
            started = Sandbox.start(workdir, world, crm=pair[0], erp=pair[1], pair=project)
            self._boxes[pair] = self._stack.enter_context(started)
        return self._boxes[pair]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def harness_pair(request: pytest.FixtureRequest) -> Pair:
    """(crm, erp): the packs the scenarios run against."""
    config = request.config
    crm = config.getoption("--harness-crm") or config.getini("harness_crm")
    erp = config.getoption("--harness-erp") or config.getini("harness_erp")
    return str(crm), str(erp)


@pytest.fixture(scope="session")
def harness_sandboxes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxPool]:
    """Every pair's mocks on loopback (HTTPS, local CA), started on first use."""
    root = Path(str(request.config.rootpath))
    name = str(request.config.getini("harness_config")).strip()
    project = project_flows(root / name) if name else None
    mappings = _setting(request.config, "harness_mappings")
    scratch = tmp_path_factory.mktemp("sandboxes")
    if mappings:  # the team's own specification, over the pair's (or its project's) flows
        crm, erp = request.getfixturevalue("harness_pair")
        base = project if project and (project.crm, project.erp) == (crm, erp) else None
        project = team_flows(base or pair_flows(crm, erp, scratch), root / mappings)
    pool = SandboxPool(scratch, project)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def harness_sandbox_session(harness_sandboxes: SandboxPool, harness_pair: Pair) -> Sandbox:
    """The pair's session-long sandbox as it is (a scenario's `sandbox` empties it first)."""
    return harness_sandboxes.get(harness_pair)


@pytest.fixture
def sandbox(harness_sandbox_session: Sandbox) -> Sandbox:
    """The pair's sandbox, emptied: the scenario's Given steps seed it."""
    box = harness_sandbox_session
    box.reseed(WorldSettings(accounts=0))
    box.clear_faults()
    box.restore_settings()
    box.reset_config()
    return box


@pytest.fixture(scope="session")
def harness_command(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The integration "When my integration runs" runs (empty: none configured)."""
    return tuple(shlex.split(_setting(request.config, "harness_command")))


@pytest.fixture(scope="session")
def harness_judged_flows(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The flows a judgement reconciles (default: customers)."""
    names = _setting(request.config, "harness_flows").replace(",", " ").split()
    return tuple(names)


@pytest.fixture
def harness_world(sandbox: Sandbox) -> Callable[..., WorldSettings]:
    """Seed both systems from one world: `harness_world(accounts=50, full_business=True)`
    (any `WorldSettings` field); returns the settings used."""

    def seed(**settings: Any) -> WorldSettings:
        world = WorldSettings(**settings)
        sandbox.reseed(world)
        return world

    return seed


@pytest.fixture
def harness_faults(sandbox: Sandbox) -> Callable[[str, Any], dict[str, Any]]:
    """Install a fault plan on one system: `harness_faults("erp", plan)` with a dict, a YAML
    path, or a shipped plan's name (`"rate_limit_storm"`); the `sandbox` fixture clears it."""

    def install(role: str, plan: Any) -> dict[str, Any]:
        if isinstance(plan, str | Path):
            plan = fault_plan(plan)
        return sandbox.set_faults(role, plan)

    return install


@pytest.fixture
def harness_drift(sandbox: Sandbox) -> Callable[..., list[dict[str, Any]]]:
    """Drift one system's records as real systems drift after a sync:
    `harness_drift("erp", object="customer", count=5, kinds={"edit_value": 1})`; returns
    the ground-truth facts (see `mocks.drift`)."""
    return sandbox.drift


@pytest.fixture
def harness_judge(
    sandbox: Sandbox,
    harness_command: tuple[str, ...],
    harness_judged_flows: tuple[str, ...],
    tmp_path: Path,
) -> Callable[..., JudgeOutcome]:
    """Run and judge the configured integration in the sandbox, as `harness judge` does:
    `harness_judge()` or `harness_judge(command=(...), flows=("customers",), long_names=0.2)`
    (any `JudgeSettings` field)."""

    def judge(**overrides: Any) -> JudgeOutcome:
        settings = JudgeSettings(
            command=harness_command,
            workdir=sandbox.workdir,
            reports_dir=tmp_path / "judge",
            flows=harness_judged_flows,
            long_names=0.0,
        )
        return judge_in(sandbox, replace(settings, **overrides))

    return judge


@pytest.fixture
def harness_reconcile(sandbox: Sandbox) -> Callable[..., ReconcileReport]:
    """Reconcile flows read-only through their mappings without a state file (what an
    integration that is not the harness's own left behind): `harness_reconcile(["orders"])`."""

    def reconcile(flows: Sequence[str] = ()) -> ReconcileReport:
        sandbox.use_flows(sandbox.pair.flows)
        with open_connectors(sandbox.config, read_only=True) as connectors:
            return reconcile_judged(sandbox.config, connectors, choose_flows(sandbox, flows))

    return reconcile


@pytest.fixture
def scenario_context() -> dict[str, Any]:
    """Values passed between steps of one scenario (chosen record ids, run results, ...)."""
    return {}


# Step definitions are fixtures: importing the modules registers them.
from harness.bdd.steps.audit import *  # noqa: E402,F403
from harness.bdd.steps.customers import *  # noqa: E402,F403
from harness.bdd.steps.failures import *  # noqa: E402,F403
from harness.bdd.steps.governance import *  # noqa: E402,F403
from harness.bdd.steps.incremental import *  # noqa: E402,F403
from harness.bdd.steps.judge import *  # noqa: E402,F403
from harness.bdd.steps.load import *  # noqa: E402,F403
from harness.bdd.steps.orders import *  # noqa: E402,F403
from harness.bdd.steps.reconcile import *  # noqa: E402,F403
