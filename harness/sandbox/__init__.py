"""A sandbox: both mocks running on loopback, seeded from one world, with a ready config.

`harness sandbox` (the job behind `make demo`), `harness mock-up` and the Gherkin step library
all use this, so the demo, the CLI and the scenarios exercise the same wiring.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import yaml

from harness.api import open_connectors, run_reconcile, run_sync
from harness.config import HarnessConfig, load_config
from harness.sandbox.files import retire_state, write_config, write_env_file, write_ground_truth
from harness.sandbox.mocks import ADMIN_TOKEN_ENV, MockPair, RunningMock, start_mocks
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.world.generator import WorldSettings
from reconcile.model import ReconcileReport
from reconcile.reconciler import ProgressFn
from sync.connectors.base import Connector
from sync.engine import Mode, RunResult

if TYPE_CHECKING:
    from harness.sandbox.flows import FlowDef

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEFAULT_MAPPING = FIXTURES / "mappings" / "salesforce_netsuite.yaml"


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


class Sandbox:
    """Running mocks plus a config pointing at them; credentials live in `environ` only."""

    def __init__(
        self,
        mocks: MockPair,
        workdir: Path,
        *,
        mapping: Path = DEFAULT_MAPPING,
        reports_dir: Path | None = None,
        flows: Sequence[FlowDef] | None = None,
    ) -> None:
        self.mocks = mocks
        self.workdir = workdir
        self.environ: dict[str, str] = {**os.environ, **mocks.env}
        self.reports_dir = reports_dir or workdir / "reports"
        self.mapping = mapping
        # Several flows (`harness.sandbox.flows`), or None: the customers flow alone.
        self.flows: tuple[FlowDef, ...] | None = tuple(flows) if flows else None
        self.flow_options: dict[str, Any] = {}
        self.system_options: dict[str, dict[str, Any]] = {}
        self.config_path = workdir / "harness.yaml"
        self.config: HarnessConfig = self._configure(mapping)
        # Freshly started mocks hold a freshly generated world: a crosswalk left by an earlier
        # sandbox would claim records this ERP never received.
        self._forget_state()

    @classmethod
    @contextmanager
    def start(
        cls, workdir: Path, world: WorldSettings | None = None, **kwargs: Any
    ) -> Iterator[Sandbox]:
        workdir.mkdir(parents=True, exist_ok=True)
        with start_mocks(world=world or WorldSettings(), workdir=workdir) as mocks:
            yield cls(mocks, workdir, **kwargs)

    def _configure(self, mapping: Path) -> HarnessConfig:
        flows = self.flows
        if flows is not None:  # the customers flow runs through `mapping`, as without flows
            flows = tuple(replace(f, mapping=mapping) if f.name == "customers" else f
                          for f in flows)  # fmt: skip
        write_config(
            self.mocks,
            self.config_path,
            mapping=mapping,
            state_path=self.workdir / "state.db",
            reports_dir=self.reports_dir,
            flows=flows,
        )
        if self.flow_options or self.system_options:
            document = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
            document["flows"][0].update(self.flow_options)
            for role, options in self.system_options.items():
                system = document["systems"][role]
                for key, value in options.items():
                    if key in ("timeout", "max_retries", "concurrency", "page_size"):
                        system[key] = value
                    else:
                        system.setdefault("options", {})[key] = value
            self.config_path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
        return load_config(self.config_path, self.environ)

    def tune(self, role: str, **options: Any) -> None:
        """Connection settings for one system (`timeout`, `max_retries`, or an HTTP-layer
        option such as `backoff_base` or `circuit_breaker_threshold`); kept until `reset`."""
        self.system_options.setdefault(role, {}).update(options)
        self.config = self._configure(self.mapping)

    def reset_config(self) -> None:
        """The default mapping and connection settings, the customers flow alone."""
        changed = self.flow_options or self.system_options or self.flows is not None
        if changed or self.mapping != DEFAULT_MAPPING:
            self.flow_options, self.system_options = {}, {}
            self.mapping, self.flows = DEFAULT_MAPPING, None
            self.config = self._configure(DEFAULT_MAPPING)

    def use_flows(self, flows: Sequence[FlowDef] | None) -> None:
        """Configure these flows (e.g. `harness.sandbox.flows.BUSINESS_FLOWS`) with their
        `depends_on`, or the customers flow alone (None); same systems, same state."""
        wanted = tuple(flows) if flows else None
        if wanted != self.flows:
            self.flows = wanted
            self.config = self._configure(self.mapping)

    def use_mapping(self, mapping: Path, **flow_options: Any) -> None:
        """Run the customers flow through another mapping spec and flow options (as in
        harness.yaml: `lookback_seconds`, `batch_size`, ...); same systems, same state."""
        if mapping != self.mapping or flow_options != self.flow_options:
            self.mapping, self.flow_options = mapping, dict(flow_options)
            self.config = self._configure(mapping)

    # -- driving ---------------------------------------------------------------------------

    def reseed(self, world: WorldSettings) -> None:
        """Fresh data in both mocks and a fresh state file."""
        world = replace(world, crm=self.mocks.crm.vendor.name, erp=self.mocks.erp.vendor.name)
        for mock in (self.mocks.crm, self.mocks.erp):
            self._admin(mock, "POST", "/seed", json=world.to_json())
        self._forget_state()

    def _forget_state(self) -> None:
        """A state file describes the systems it synced; these mocks are new worlds."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.config.state_path}{suffix}").unlink(missing_ok=True)

    def sync(
        self,
        flow: str = "customers",
        *,
        mode: Mode = "live",
        full: bool = False,
        progress: ProgressFn | None = None,
    ) -> RunResult:
        return run_sync(self.config, flow, mode=mode, full=full, progress=progress)

    def reconcile(
        self, flows: list[str] | None = None, *, progress: ProgressFn | None = None
    ) -> tuple[ReconcileReport, dict[str, Path]]:
        return run_reconcile(self.config, flows, progress=progress)

    @contextmanager
    def connectors(self) -> Iterator[dict[str, Connector]]:
        with open_connectors(self.config) as connectors:
            yield connectors

    def erp_settings(self, **changes: Any) -> dict[str, Any]:
        """Change the ERP mock's runtime knobs through its admin API."""
        return self._admin(self.mocks.erp, "PATCH", "/settings", json=changes)

    def restore_settings(self) -> None:
        """Both mocks' runtime knobs back to their start-up values."""
        for mock in (self.mocks.crm, self.mocks.erp):
            self._admin(mock, "DELETE", "/settings")

    def crm_settings(self, **changes: Any) -> dict[str, Any]:
        return self._admin(self.mocks.crm, "PATCH", "/settings", json=changes)

    def ground_truth(self, role: str = "erp") -> list[dict[str, Any]]:
        mock = self.mocks.erp if role == "erp" else self.mocks.crm
        facts: list[dict[str, Any]] = self._admin(mock, "GET", "/ground-truth")["facts"]
        return facts

    def drift(self, role: str = "erp", **request: Any) -> list[dict[str, Any]]:
        """Inject drift into one mock (see `mocks.drift`); returns the ground-truth facts."""
        mock = self.mocks.erp if role == "erp" else self.mocks.crm
        facts: list[dict[str, Any]] = self._admin(mock, "POST", "/drift", json=request)["facts"]
        return facts

    def set_faults(self, role: str, plan: Mapping[str, Any] | Path) -> dict[str, Any]:
        """Replace one mock's fault plan (a dict, or a YAML file as in fixtures/faults/)."""
        body = yaml.safe_load(plan.read_text(encoding="utf-8")) if isinstance(plan, Path) else plan
        result: dict[str, Any] = self._admin(self._mock(role), "PUT", "/faults", json=body)
        return result

    def clear_faults(self) -> None:
        """No faults on either mock (settings a plan patched are restored)."""
        for mock in (self.mocks.crm, self.mocks.erp):
            self._admin(mock, "DELETE", "/faults")

    def trap(self, role: str, **request: Any) -> list[dict[str, Any]]:
        """Set off a store-level trap (`mocks.faults.traps`); returns its ground-truth facts."""
        facts: list[dict[str, Any]] = self._admin(self._mock(role), "POST", "/traps",
                                                  json=request)["facts"]  # fmt: skip
        return facts

    def _mock(self, role: str) -> RunningMock:
        return self.mocks.erp if role == "erp" else self.mocks.crm

    def last_change_seq(self, role: str = "erp") -> int:
        mock = self.mocks.erp if role == "erp" else self.mocks.crm
        return int(self._admin(mock, "GET", "/changes", params={"since": 10**12})["last_seq"])

    def changes_since(self, seq: int, role: str = "erp") -> list[dict[str, Any]]:
        mock = self.mocks.erp if role == "erp" else self.mocks.crm
        changes: list[dict[str, Any]] = self._admin(mock, "GET", "/changes", params={"since": seq})[
            "changes"
        ]
        return changes

    def _admin(self, mock: RunningMock, method: str, path: str, **kwargs: Any) -> Any:
        verify: str | bool = str(self.mocks.tls.ca_path) if self.mocks.tls else True
        with httpx.Client(base_url=mock.url, verify=verify, timeout=30, trust_env=False) as client:
            response = client.request(
                method,
                ADMIN_PREFIX + path,
                headers={TOKEN_HEADER: self.mocks.admin_token},
                **kwargs,
            )
            response.raise_for_status()
            return response.json()


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
        config_path = write_config(
            mocks,
            config_out,
            mapping=DEFAULT_MAPPING,
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
    erp_overflow: str = "reject",
    on_stage: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> SandboxOutcome:
    """The main job: mocks up, seed, full sync, reconcile, reports written."""
    stage = on_stage or (lambda _s: None)
    stage("starting mocks")
    with Sandbox.start(workdir, world, reports_dir=reports_dir) as box:
        if erp_overflow != "reject":
            box.erp_settings(on_overflow=erp_overflow)
        stage("syncing")
        result = box.sync(full=True, progress=progress)
        stage("reconciling")
        report, paths = box.reconcile(progress=progress)
        return SandboxOutcome(result, report, paths, box.config_path)


__all__ = [
    "ADMIN_TOKEN_ENV",
    "MockEnvironment",
    "Sandbox",
    "SandboxOutcome",
    "run_sandbox",
    "start_mock_environment",
    "write_config",
    "write_env_file",
]
