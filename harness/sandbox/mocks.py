"""Start vendor mocks on loopback: shared by `harness mock-up`, `harness sandbox` and the tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from mocks.faults import FaultPlan, PlanError, apply_plan, load_plan
from mocks.registry import MockPack, PackError, mock_pack
from mocks.server import RunningServer, start_server
from mocks.tls import TlsMaterial, ensure_tls
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from sync.connectors import ConnectorPack, connector_pack
from sync.errors import ConfigError


@dataclass(frozen=True)
class MockVendor:
    """One vendor's two packs: the sandbox (`mock`) and the client side (`connector`), which
    names the environment variables its credentials are read from."""

    mock: MockPack
    connector: ConnectorPack

    @property
    def name(self) -> str:
        return self.mock.name

    @property
    def role(self) -> str:
        return self.mock.role

    @property
    def credentials(self) -> dict[str, str]:
        """Credential key -> the environment variable holding it."""
        named = {c.key: c.env for c in self.connector.credentials}
        fallback = f"HARNESS_{self.name.upper()}_"
        return {key: named.get(key, fallback + key.upper()) for key in self.mock.credentials}

    @property
    def options(self) -> dict[str, Any]:
        """Connector options needed to reach the sandbox (an account id)."""
        return dict(self.mock.connector_options)


ADMIN_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"


def mock_vendor(name: str, role: str) -> MockVendor:
    """The vendor's packs for a sandbox of `role`; an unknown name lists the known ones."""
    try:
        mock = mock_pack(name, role)
    except PackError as exc:
        raise ConfigError(str(exc), key=f"--{role}") from exc
    return MockVendor(mock, connector_pack(mock.name))


@dataclass
class RunningMock:
    vendor: MockVendor
    server: RunningServer
    app: FastAPI
    env: dict[str, str]  # environment variables holding this mock's credentials

    @property
    def url(self) -> str:
        return self.server.url


@dataclass
class MockPair:
    crm: RunningMock
    erp: RunningMock
    tls: TlsMaterial | None
    admin_token: str
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        self.crm.server.stop()
        self.erp.server.stop()

    def __enter__(self) -> MockPair:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_mock(
    vendor: MockVendor, admin_token: str, tls: TlsMaterial | None, port: int = 0
) -> RunningMock:
    """Start one mock with freshly generated credentials."""
    values = {key: secrets.token_urlsafe(18) for key in vendor.mock.credentials}
    app = vendor.mock.build_app(values, admin_token)
    server = start_server(app, port=port, tls=tls)
    env = {variable: values[key] for key, variable in vendor.credentials.items()}
    return RunningMock(vendor, server, app, env)


def start_mocks(
    *,
    crm: str = DEFAULT_CRM,
    erp: str = DEFAULT_ERP,
    world: WorldSettings | None = None,
    workdir: Path,
    https: bool = True,
    crm_port: int = 0,
    erp_port: int = 0,
    faults: FaultPlan | None = None,
) -> MockPair:
    """Start a CRM and an ERP mock on loopback and seed both from one world; `faults`, when
    given, becomes both mocks' active fault plan once they are seeded."""
    crm_vendor, erp_vendor = mock_vendor(crm, "crm"), mock_vendor(erp, "erp")
    tls = ensure_tls(workdir / "tls") if https else None
    admin_token = secrets.token_urlsafe(18)
    crm_mock = start_mock(crm_vendor, admin_token, tls, crm_port)
    try:
        erp_mock = start_mock(erp_vendor, admin_token, tls, erp_port)
    except Exception:
        crm_mock.server.stop()
        raise
    settings = replace(world or WorldSettings(), crm=crm_vendor.name, erp=erp_vendor.name)
    for mock in (crm_mock, erp_mock):
        mock.app.state.mock.seed(settings)
    env = {**crm_mock.env, **erp_mock.env, ADMIN_TOKEN_ENV: admin_token}
    pair = MockPair(crm_mock, erp_mock, tls, admin_token, env)
    if faults is not None:
        try:
            apply_faults(pair, faults)
        except ConfigError:
            pair.stop()
            raise
    return pair


def load_fault_plan(path: Path) -> FaultPlan:
    """Read a fault plan file (`harness mock-up --faults`), as a config error when bad."""
    try:
        return load_plan(path)
    except PlanError as exc:
        raise ConfigError(str(exc), key="--faults") from exc


def apply_faults(pair: MockPair, plan: FaultPlan) -> dict[str, int]:
    """Make `plan` the active fault plan of both mocks; returns each vendor's rule count.

    Each mock runs the rules without a `match.vendor` and those naming it, and patches the
    `settings` section under its vendor name; `PUT /__harness/faults` can replace it later.
    """
    counts: dict[str, int] = {}
    for mock in (pair.crm, pair.erp):
        try:
            apply_plan(mock.app, plan)
        except PlanError as exc:
            raise ConfigError(str(exc), key="--faults") from exc
        counts[mock.vendor.name] = len(mock.app.state.faults.states)
    return counts
