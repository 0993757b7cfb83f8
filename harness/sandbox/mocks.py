"""Start vendor mocks on loopback: shared by `harness mock-up`, `harness sandbox` and the tests."""

from __future__ import annotations

import errno
import secrets
import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from mocks.faults import FaultPlan, PlanError, apply_plan, load_plan
from mocks.registry import MockPack, PackError, mock_pack
from mocks.server import LOOPBACK, RunningServer, start_server
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

    @property
    def connection(self) -> dict[str, Any]:
        """Connection settings the mocked account allows (`concurrency`), from its pack."""
        return dict(self.mock.connection_limits)


ADMIN_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"
Clock = Callable[[], datetime]


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
    vendor: MockVendor,
    admin_token: str,
    tls: TlsMaterial | None,
    port: int = 0,
    clock: Clock | None = None,
) -> RunningMock:
    """Start one mock with freshly generated credentials; `clock` (default: the wall clock)
    stamps its records, so a soak can run the mock on simulated time."""
    values = {key: secrets.token_urlsafe(18) for key in vendor.mock.credentials}
    app = vendor.mock.build_app(values, admin_token)
    if clock is not None:
        app.state.mock.store.use_clock(clock)
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
    clock: Clock | None = None,
) -> MockPair:
    """Start a CRM and an ERP mock on loopback and seed both from one world; `faults`, when
    given, becomes both mocks' active fault plan once they are seeded; `clock`, when given,
    stamps both stores' records (seeded ones included) instead of the wall clock."""
    crm_vendor, erp_vendor = mock_vendor(crm, "crm"), mock_vendor(erp, "erp")
    for option, port in (("--crm-port", crm_port), ("--erp-port", erp_port)):
        check_port_free(port, option)  # before anything is written to the workdir
    with _undone_on_failure(workdir):
        tls = ensure_tls(workdir / "tls") if https else None
        admin_token = secrets.token_urlsafe(18)
        crm_mock = _start_on(crm_vendor, admin_token, tls, crm_port, "--crm-port", clock)
        try:
            erp_mock = _start_on(erp_vendor, admin_token, tls, erp_port, "--erp-port", clock)
        except BaseException:
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


def check_port_free(port: int, option: str) -> None:
    """Refuse a port outside 0-65535 or one another program holds on loopback, naming the
    option that chose it (0, any free port, is always fine)."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"port {port} is not 0-65535 (0 = any free port)", key=option)
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server binds: a port left in TIME_WAIT by an earlier run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as exc:
            raise _port_error(port, option, exc) from None


def _port_error(port: int, option: str, exc: OSError) -> ConfigError:
    if exc.errno == errno.EADDRINUSE:
        what = "is already in use (another mock-up, or another program)"
    else:
        what = f"cannot be used: {exc.strerror or exc}"
    hint = f"choose another {option}, or 0 for any free port"
    return ConfigError(f"{LOOPBACK}:{port} {what}; {hint}", key=option)


def _start_on(
    vendor: MockVendor,
    admin_token: str,
    tls: TlsMaterial | None,
    port: int,
    option: str,
    clock: Clock | None = None,
) -> RunningMock:
    """`start_mock`, with a port taken between the check and the bind named as such."""
    try:
        return start_mock(vendor, admin_token, tls, port, clock)
    except OSError as exc:
        raise _port_error(port, option, exc) from exc


@contextmanager
def _undone_on_failure(workdir: Path) -> Iterator[None]:
    """Remove what a failed start wrote (the TLS folder, a workdir it made), so a failure
    leaves no half-made workdir behind; what was there before is left alone."""
    made = [p for p in (workdir, workdir / "tls") if not p.exists()]
    try:
        yield
    except BaseException:
        for path in reversed(made):
            shutil.rmtree(path, ignore_errors=True)
        raise


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
