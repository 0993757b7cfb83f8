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

from harness.config import load_config
from sync.canonical import BusinessFlow, CanonicalModel, compile_mappings, load_model
from sync.connectors import connector_pack
from sync.errors import ConfigError

# `harness_fixtures` is the repository's fixtures/ (a link in a checkout, a folder in the wheel).
SHIPPED = (Path(__file__).resolve().parents[2] / "harness_fixtures" / "integrations").resolve()
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
    """The pair's flows: the shipped mappings when the project has them (in the canonical
    model's order, with its dependencies), else compiled from the packs' profiles into
    `workdir/mappings/`."""
    shipped = shipped_dir(crm, erp)
    model = load_model()
    if shipped.is_dir():
        found = [(f, shipped / f"{f.name}.yaml") for f in model.flows]
        flows = tuple(_flow(model, f, path) for f, path in found if path.is_file())
        return PairFlows(crm, erp, flows, "shipped")
    compiled = compile_mappings(crm, erp)
    paths = compiled.write(workdir / "mappings")
    flows = tuple(_flow(model, c.flow, path) for c, path in zip(compiled.flows, paths, strict=True))
    return PairFlows(compiled.crm, compiled.erp, flows, "compiled")


def _flow(model: CanonicalModel, flow: BusinessFlow, mapping: Path) -> FlowDef:
    return FlowDef(flow.name, mapping, flow.source, flow.target, model.depends_on(flow))


def project_flows(path: Path) -> PairFlows | None:
    """The pair and flows a project's harness.yaml names (as `harness init` writes it), read
    and checked by `load_config`; None when there is no such file or its systems are not one
    CRM and one ERP. Credentials are not read: only the pair and the mappings matter here."""
    if not path.is_file():
        return None
    config = load_config(path, {})
    roles = {name: connector_pack(system.vendor).role for name, system in config.systems.items()}
    by_role = {role: [n for n, r in roles.items() if r == role] for role in ("crm", "erp")}
    if any(len(names) != 1 for names in by_role.values()) or not config.flows:
        return None
    flows = tuple(
        FlowDef(f.name, f.mapping, roles[f.source], roles[f.target], f.depends_on)  # type: ignore[arg-type]
        for f in config.flows
    )
    crm, erp = (config.systems[by_role[role][0]].vendor for role in ("crm", "erp"))
    return PairFlows(crm, erp, flows, "project")


__all__ = ["SHIPPED", "FlowDef", "PairFlows", "pair_flows", "project_flows", "shipped_dir"]
