"""pytest plugin: sandbox fixtures and the Gherkin step library for integration scenarios.

Installed with the package (entry point `pytest11`), so a team's own feature files use the
same steps against their own pair and mappings. The pair comes from `--harness-crm` /
`--harness-erp`, else the `harness_crm` / `harness_erp` ini options (`harness init` writes
them), else the reference pair; a conftest can also override the `harness_pair` fixture.
When the project's harness.yaml (ini `harness_config`) names that pair, its flows and
mappings are the ones the scenarios run; otherwise the pair's shipped or compiled ones.
Each pair's mocks start once per session; every scenario gets them emptied (its Given steps
seed a world), with faults cleared, knobs restored and a fresh state file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import PairFlows, Sandbox, project_flows
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP

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
    name = str(request.config.getini("harness_config")).strip()
    project = project_flows(Path(str(request.config.rootpath)) / name) if name else None
    pool = SandboxPool(tmp_path_factory.mktemp("sandboxes"), project)
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
from harness.bdd.steps.load import *  # noqa: E402,F403
from harness.bdd.steps.orders import *  # noqa: E402,F403
from harness.bdd.steps.reconcile import *  # noqa: E402,F403
