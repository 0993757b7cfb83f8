"""The business flows of one CRM x ERP pair, each with its mapping file.

A pair the project ships mappings for reads them from `fixtures/integrations/<crm>-<erp>/`
(compiled output, reviewed and committed); any other registered pair gets its mappings
compiled from the two packs' profiles into the sandbox's folder. A project written by
`harness init` names its own flows and mappings in its harness.yaml (`project_flows`).
Flows come in dependency order, each with the flows it needs first (`depends_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from sync.canonical import compile_mappings
from sync.errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[2] / "fixtures" / "integrations"
Role = Literal["crm", "erp"]
IDENTITY_FLOW = "customers"  # the flow a sandbox runs when asked for one


@dataclass(frozen=True)
class FlowDef:
    """One flow as harness.yaml lists it: its mapping, direction and prerequisites."""

    name: str
    mapping: Path
    source: Role
    target: Role
    depends_on: tuple[str, ...] = ()

    def as_config(self) -> dict[str, Any]:
        """The flow's harness.yaml entry (what `render_config(flows=...)` takes)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "mapping": self.mapping,
            "source": self.source,
            "target": self.target,
        }
        if self.depends_on:
            entry["depends_on"] = list(self.depends_on)
        return entry


@dataclass(frozen=True)
class PairFlows:
    """The flows a pair runs; `origin` says where their mappings came from."""

    crm: str
    erp: str
    flows: tuple[FlowDef, ...]
    origin: Literal["shipped", "compiled", "project"]

    def flow(self, name: str) -> FlowDef:
        for flow in self.flows:
            if flow.name == name:
                return flow
        known = ", ".join(f.name for f in self.flows) or "none"
        raise ConfigError(f"{self.crm} -> {self.erp} has no flow {name!r}; known: {known}")

    @property
    def default(self) -> FlowDef:
        """The flow a sandbox runs alone: customers, else the first one."""
        names = [f.name for f in self.flows]
        return self.flow(IDENTITY_FLOW) if IDENTITY_FLOW in names else self.flows[0]


def shipped_dir(crm: str, erp: str) -> Path:
    return SHIPPED / f"{crm}-{erp}"


def pair_flows(crm: str, erp: str, workdir: Path) -> PairFlows:
    """The pair's flows: shipped mappings when the project has them, else compiled from the
    packs' profiles into `workdir/mappings/`."""
    compiled = compile_mappings(crm, erp)
    shipped = shipped_dir(crm, erp)
    if shipped.is_dir():
        paths = {c.flow.name: shipped / f"{c.flow.name}.yaml" for c in compiled.flows}
        paths = {name: path for name, path in paths.items() if path.is_file()}
        origin: Literal["shipped", "compiled"] = "shipped"
    else:
        written = compiled.write(workdir / "mappings")
        paths = {path.stem: path for path in written}
        origin = "compiled"
    flows = tuple(
        FlowDef(c.flow.name, paths[c.flow.name], c.flow.source, c.flow.target, c.depends_on)
        for c in compiled.flows
        if c.flow.name in paths
    )
    return PairFlows(compiled.crm, compiled.erp, flows, origin)


def project_flows(config: Path) -> PairFlows | None:
    """The pair and flows a project's harness.yaml names (as `harness init` writes it), or
    None when the file does not exist or does not name a CRM and an ERP system."""
    if not config.is_file():
        return None
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot read the project's config: {exc}", file=str(config)) from exc
    systems = data.get("systems") or {}
    vendors = {role: (systems.get(role) or {}).get("vendor") for role in ("crm", "erp")}
    if not all(vendors.values()) or not data.get("flows"):
        return None
    base = config.resolve().parent
    flows = tuple(
        FlowDef(
            str(entry["name"]),
            (base / str(entry["mapping"])).resolve(),
            entry.get("source", "crm"),
            entry.get("target", "erp"),
            tuple(entry.get("depends_on") or ()),
        )
        for entry in data["flows"]
    )
    return PairFlows(str(vendors["crm"]), str(vendors["erp"]), flows, "project")


__all__ = ["SHIPPED", "FlowDef", "PairFlows", "pair_flows", "project_flows", "shipped_dir"]
