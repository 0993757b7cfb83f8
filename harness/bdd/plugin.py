"""pytest plugin: sandbox fixtures and the Gherkin step library for integration scenarios.

Installed with the package (entry point `pytest11`), so a team's own feature files can use
the same steps against their own mapping. Servers start once per session; each scenario gets
a freshly seeded world and a fresh state file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings


@pytest.fixture(scope="session")
def harness_sandbox_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """Both mocks on loopback (HTTPS, local CA) for the whole test session."""
    workdir: Path = tmp_path_factory.mktemp("sandbox")
    with Sandbox.start(workdir, WorldSettings(accounts=0)) as box:
        yield box


@pytest.fixture
def sandbox(harness_sandbox_session: Sandbox) -> Sandbox:
    """The session's sandbox, emptied: the scenario's Given steps seed it."""
    harness_sandbox_session.reseed(WorldSettings(accounts=0))
    harness_sandbox_session.clear_faults()
    harness_sandbox_session.restore_settings()
    harness_sandbox_session.reset_config()
    return harness_sandbox_session


@pytest.fixture
def scenario_context() -> dict[str, Any]:
    """Values passed between steps of one scenario (chosen record ids, run results, ...)."""
    return {}


from harness.bdd.steps.audit import *  # noqa: E402,F403  (the data-quality audit steps)
from harness.bdd.steps.customers import *  # noqa: E402,F403  (step definitions are fixtures; import registers them)
from harness.bdd.steps.failures import *  # noqa: E402,F403  (faults, crashes, rollback)
from harness.bdd.steps.governance import *  # noqa: E402,F403  (system-of-record rules)
from harness.bdd.steps.incremental import *  # noqa: E402,F403  (ties, late commits, deletes)
from harness.bdd.steps.load import *  # noqa: E402,F403  (volume, throughput, the bottleneck)
from harness.bdd.steps.orders import *  # noqa: E402,F403  (every flow; orders with lines and references)
