"""The sandbox a scenario or a demo drives: a pair's mocks, a config pointing at them, and
the admin calls that seed, drift, fault and inspect them."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

from harness.api import open_connectors, run_reconcile, run_sync
from harness.config import HarnessConfig, load_config
from harness.sandbox.files import write_config
from harness.sandbox.mocks import Clock, MockPair, RunningMock, start_mocks
from harness.sandbox.pairs import FlowDef, PairFlows, pair_flows
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.registry import PackError
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import ReconcileReport
from reconcile.reading import ProgressFn
from sync.connectors.base import Connector
from sync.engine import Mode, RunResult
from sync.errors import ConfigError


class Sandbox:
    """Running mocks plus a config pointing at them; credentials live in `environ` only."""

    def __init__(
        self,
        mocks: MockPair,
        workdir: Path,
        *,
        pair: PairFlows | None = None,
        mapping: Path | None = None,
        reports_dir: Path | None = None,
        flows: Sequence[FlowDef] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.mocks = mocks
        # Stamps runs, watermarks and reconciles (None: the wall clock); the mocks were
        # started on the same clock (`start`), so a soak's simulated time is everyone's.
        self.clock = clock
        self.workdir = workdir
        # The pair's flows and mappings: shipped, compiled from the profiles, or a project's.
        self.pair = pair or pair_flows(mocks.crm.vendor.name, mocks.erp.vendor.name, workdir)
        self.default_mapping = self.pair.default.mapping
        mapping = mapping or self.default_mapping
        self.environ: dict[str, str] = {**os.environ, **mocks.env}
        self.reports_dir = reports_dir or workdir / "reports"
        self.mapping = mapping
        # Several flows (`self.pair.flows`), or None: the pair's default flow alone.
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
        cls,
        workdir: Path,
        world: WorldSettings | None = None,
        *,
        crm: str = DEFAULT_CRM,
        erp: str = DEFAULT_ERP,
        pair: PairFlows | None = None,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> Iterator[Sandbox]:
        """Start the pair's mocks (`pair`'s vendors when given) and a sandbox over them;
        `clock` (default: the wall clock) runs the mocks' stores, the syncs and the
        reconciles on one time."""
        workdir.mkdir(parents=True, exist_ok=True)
        if pair is not None:
            crm, erp = pair.crm, pair.erp
        with start_mocks(
            crm=crm, erp=erp, world=world or WorldSettings(), workdir=workdir, clock=clock
        ) as mocks:
            yield cls(mocks, workdir, pair=pair, clock=clock, **kwargs)

    def _configure(self, mapping: Path) -> HarnessConfig:
        default = self.pair.default
        # The default flow runs through `mapping`, with or without the other flows.
        flows = self.flows or (replace(default, depends_on=()),)
        flows = tuple(replace(f, mapping=mapping) if f.name == default.name else f
                      for f in flows)  # fmt: skip
        write_config(
            self.mocks,
            self.config_path,
            mapping=mapping,
            state_path=self.workdir / "state.db",
            reports_dir=self.reports_dir,
            flows=flows,
            written_by="harness sandbox",
            flow_options={default.name: self.flow_options},
            system_options=self.system_options,
        )
        return load_config(self.config_path, self.environ)

    def tune(self, role: str, **options: Any) -> None:
        """Connection settings for one system (`timeout`, `max_retries`, or an HTTP-layer
        option such as `backoff_base` or `circuit_breaker_threshold`); kept until `reset`."""
        self.system_options.setdefault(role, {}).update(options)
        self.config = self._configure(self.mapping)

    def reset_config(self) -> None:
        """The default mapping and connection settings, the default flow alone."""
        changed = self.flow_options or self.system_options or self.flows is not None
        if changed or self.mapping != self.default_mapping:
            self.flow_options, self.system_options = {}, {}
            self.mapping, self.flows = self.default_mapping, None
            self.config = self._configure(self.default_mapping)

    def use_flows(self, flows: Sequence[FlowDef] | None) -> None:
        """Configure these flows (e.g. every flow of the pair, `self.pair.flows`) with their
        `depends_on`, or the default flow alone (None); same systems, same state."""
        wanted = tuple(flows) if flows else None
        if wanted != self.flows:
            self.flows = wanted
            self.config = self._configure(self.mapping)

    def use_mapping(self, mapping: Path, **flow_options: Any) -> None:
        """Run the default flow through another mapping spec and flow options (as in
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
        flow: str | None = None,
        *,
        mode: Mode = "live",
        full: bool | None = None,
        progress: ProgressFn | None = None,
    ) -> RunResult:
        name = flow or self.pair.default.name
        return run_sync(
            self.config, name, mode=mode, full=full, progress=progress, clock=self.clock
        )

    def reconcile(
        self, flows: list[str] | None = None, *, progress: ProgressFn | None = None
    ) -> tuple[ReconcileReport, dict[str, Path]]:
        return run_reconcile(self.config, flows, progress=progress, clock=self.clock)

    @contextmanager
    def connectors(self) -> Iterator[dict[str, Connector]]:
        with open_connectors(self.config) as connectors:
            yield connectors

    def knob(self, role: str, knob: str, value: Any) -> dict[str, Any]:
        """Turn a vendor-neutral knob (`mocks.registry.KNOBS`) on one mock; the mock's pack
        says which of its settings implement it, and refuses a knob it lacks by name."""
        mock = self._mock(role)
        try:
            changes = mock.vendor.mock.settings_for(knob, value)
        except (PackError, ValueError) as exc:
            raise ConfigError(str(exc), key=knob) from exc
        return self._admin(mock, "PATCH", "/settings", json=changes)

    def restore_settings(self) -> None:
        """Both mocks' runtime knobs back to their start-up values."""
        for mock in (self.mocks.crm, self.mocks.erp):
            self._admin(mock, "DELETE", "/settings")

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

    def stored(self, role: str, obj: str) -> list[dict[str, Any]]:
        """Every record of `obj` as one mock stores it: id, version, stamps and fields."""
        body = self._admin(self._mock(role), "GET", "/snapshot", params={"objects": obj})
        records: list[dict[str, Any]] = body["objects"].get(obj, [])
        return [r for r in records if not r["deleted"]]

    def backdate(
        self, role: str, obj: str, record_id: str, changes: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        """Change a record behind the vendor's API with its stamp set to `at`: a transaction
        that committed late, or many edits sharing one modification time."""
        path = f"/records/{obj}/{record_id}"
        record: dict[str, Any] = self._admin(
            self._mock(role), "PATCH", path, json=changes, params={"at": at.isoformat()}
        )
        return record

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


__all__ = ["Sandbox"]
