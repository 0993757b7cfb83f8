"""Judge against sandboxes that are already running (`harness mock-up`), named in the
harness.yaml it wrote, with its env file's credentials and admin token in the environment.

The judge then drives them exactly as sandboxes it started: a `Sandbox` over them, reached
through their admin API only. It never stops them: they are not its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from harness.config import load_config
from harness.sandbox import ADMIN_TOKEN_ENV, PairFlows, Sandbox
from harness.sandbox.mocks import MockPair, RunningMock, mock_vendor
from mocks.tls import TlsMaterial
from sync.connectors import connector_pack
from sync.errors import ConfigError


@dataclass(frozen=True)
class _Elsewhere:
    """A server another process runs: its URL, and no way to stop it from here."""

    url: str

    def stop(self, timeout: float = 10.0) -> None:
        """Not ours to stop."""


def attach(
    config_path: Path, environ: Mapping[str, str], workdir: Path, project: PairFlows | None
) -> Sandbox:
    """A sandbox over the running CRM and ERP `config_path` names; the credentials and the
    admin token come from `environ` (`--env-file` the env file `harness mock-up` wrote)."""
    config = load_config(config_path, environ)
    systems = {connector_pack(s.vendor).role: s for s in config.systems.values()}
    if set(systems) != {"crm", "erp"} or len(config.systems) != 2:
        raise ConfigError(f"{config_path} must name one CRM and one ERP", file=str(config_path))
    token = environ.get(ADMIN_TOKEN_ENV)
    if not token:
        raise ConfigError(
            f"{ADMIN_TOKEN_ENV} is not set: pass --env-file with the env file `harness mock-up`"
            " wrote (it holds the sandboxes' admin token)",
            key="--env-file",
        )
    mocks: dict[str, RunningMock] = {}
    for role, system in systems.items():
        vendor = mock_vendor(system.vendor, role)
        env = {var: environ[var] for var in vendor.credentials.values() if var in environ}
        server = cast(Any, _Elsewhere(system.base_url.rstrip("/")))
        mocks[role] = RunningMock(vendor, server, cast(Any, None), env)
    ca = systems["crm"].ca_path or systems["erp"].ca_path
    tls = TlsMaterial(Path(ca), Path(ca)) if ca else None
    env = {**mocks["crm"].env, **mocks["erp"].env, ADMIN_TOKEN_ENV: token}
    pair = MockPair(mocks["crm"], mocks["erp"], tls, token, env)
    workdir.mkdir(parents=True, exist_ok=True)
    return Sandbox(pair, workdir, pair=project, reports_dir=workdir / "reports")


__all__ = ["attach"]
