"""A sandbox: a CRM and an ERP mock running on loopback, seeded from one world, with a ready
config for the pair's flows.

`harness sandbox` (the job behind `make demo`), `harness mock-up` and the Gherkin step library
all use this, so the demo, the CLI and the scenarios exercise the same wiring.
"""

from __future__ import annotations

from harness.sandbox.box import Sandbox
from harness.sandbox.files import write_config, write_env_file
from harness.sandbox.jobs import (
    MockEnvironment,
    SandboxOutcome,
    run_sandbox,
    start_mock_environment,
)
from harness.sandbox.mocks import ADMIN_TOKEN_ENV
from harness.sandbox.pairs import FlowDef, PairFlows, pair_flows, project_flows

__all__ = [
    "ADMIN_TOKEN_ENV",
    "FlowDef",
    "MockEnvironment",
    "PairFlows",
    "Sandbox",
    "SandboxOutcome",
    "pair_flows",
    "project_flows",
    "run_sandbox",
    "start_mock_environment",
    "write_config",
    "write_env_file",
]
