"""Start vendor mocks on loopback: shared by `harness mock-up`, `harness sandbox` and the tests."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from mocks.faults import FaultPlan, PlanError, apply_plan, load_plan
from mocks.netsuite import NetSuiteMockConfig
from mocks.netsuite import create_app as create_netsuite
from mocks.salesforce import SalesforceMockConfig
from mocks.salesforce import create_app as create_salesforce
from mocks.server import RunningServer, start_server
from mocks.tls import TlsMaterial, ensure_tls
from mocks.world.generator import WorldSettings
from sync.errors import ConfigError


@dataclass(frozen=True)
class MockVendor:
    """How to build one vendor's mock and what its connector needs to reach it."""

    name: str
    role: str  # "crm" or "erp"
    build: Callable[[dict[str, str]], FastAPI]
    # connector credential key -> (environment variable, mock config attribute)
    credentials: dict[str, tuple[str, str]]
    options: Callable[[dict[str, str]], dict[str, Any]] = lambda _s: {}


def _salesforce(secrets_: dict[str, str]) -> FastAPI:
    return create_salesforce(
        SalesforceMockConfig(
            client_id=secrets_["client_id"],
            client_secret=secrets_["client_secret"],
            admin_token=secrets_["admin_token"],
        )
    )


def _netsuite(secrets_: dict[str, str]) -> FastAPI:
    return create_netsuite(
        NetSuiteMockConfig(
            consumer_key=secrets_["consumer_key"],
            consumer_secret=secrets_["consumer_secret"],
            token_id=secrets_["token_id"],
            token_secret=secrets_["token_secret"],
            admin_token=secrets_["admin_token"],
        )
    )


MOCK_VENDORS: dict[str, MockVendor] = {
    "salesforce": MockVendor(
        "salesforce",
        "crm",
        _salesforce,
        {
            "client_id": ("HARNESS_SF_CLIENT_ID", "client_id"),
            "client_secret": ("HARNESS_SF_CLIENT_SECRET", "client_secret"),
        },
    ),
    "netsuite": MockVendor(
        "netsuite",
        "erp",
        _netsuite,
        {
            "consumer_key": ("HARNESS_NS_CONSUMER_KEY", "consumer_key"),
            "consumer_secret": ("HARNESS_NS_CONSUMER_SECRET", "consumer_secret"),
            "token_id": ("HARNESS_NS_TOKEN_ID", "token_id"),
            "token_secret": ("HARNESS_NS_TOKEN_SECRET", "token_secret"),
        },
        options=lambda _s: {"account": "1234567_SB1"},
    ),
}
ADMIN_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"


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


def _vendor(name: str, role: str) -> MockVendor:
    vendor = MOCK_VENDORS.get(name)
    if vendor is None or vendor.role != role:
        known = sorted(v.name for v in MOCK_VENDORS.values() if v.role == role)
        raise ConfigError(f"no mock {role.upper()} named {name!r}; known: {known}", key=f"--{role}")
    return vendor


def start_mock(
    vendor: MockVendor, admin_token: str, tls: TlsMaterial | None, port: int = 0
) -> RunningMock:
    """Start one mock with freshly generated credentials."""
    values = {attr: secrets.token_urlsafe(18) for _env, attr in vendor.credentials.values()}
    app = vendor.build({**values, "admin_token": admin_token})
    server = start_server(app, port=port, tls=tls)
    env = {env: values[attr] for env, attr in vendor.credentials.values()}
    return RunningMock(vendor, server, app, env)


def start_mocks(
    *,
    crm: str = "salesforce",
    erp: str = "netsuite",
    world: WorldSettings | None = None,
    workdir: Path,
    https: bool = True,
    crm_port: int = 0,
    erp_port: int = 0,
    faults: FaultPlan | None = None,
) -> MockPair:
    """Start a CRM and an ERP mock on loopback and seed both from one world; `faults`, when
    given, becomes both mocks' active fault plan once they are seeded."""
    crm_vendor, erp_vendor = _vendor(crm, "crm"), _vendor(erp, "erp")
    tls = ensure_tls(workdir / "tls") if https else None
    admin_token = secrets.token_urlsafe(18)
    crm_mock = start_mock(crm_vendor, admin_token, tls, crm_port)
    try:
        erp_mock = start_mock(erp_vendor, admin_token, tls, erp_port)
    except Exception:
        crm_mock.server.stop()
        raise
    settings = world or WorldSettings()
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
