"""Compiling the mappings of one CRM x ERP pair from the registered packs' profiles.

`compile_mappings("salesforce", "netsuite", out)` writes one mapping file per business flow
the pair supports (`<flow>.yaml`), each with a header naming what it came from, and returns
what it wrote, in dependency order, and what it skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sync.canonical.compile import CompiledFlow, compile_pair
from sync.canonical.model import load_model
from sync.canonical.profile import Profile
from sync.canonical.render import render_mapping
from sync.connectors.registry import connector_pack
from sync.errors import ConfigError
from sync.mapping import parse_mapping


@dataclass(frozen=True)
class PairMappings:
    """What compiling a pair gave: each flow with the text of its mapping file."""

    crm: str
    erp: str
    flows: tuple[CompiledFlow, ...]
    texts: dict[str, str]  # flow name -> the mapping file's text
    skipped: dict[str, str]  # flow name -> why the pair cannot carry it

    def write(self, out: Path) -> list[Path]:
        """Write every mapping into `out` as `<flow>.yaml`; returns the paths."""
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for flow in self.flows:
            path = out / f"{flow.flow.name}.yaml"
            path.write_text(self.texts[flow.flow.name], encoding="utf-8")
            paths.append(path)
        return paths


def pair_profiles(crm: str, erp: str) -> tuple[Profile, Profile]:
    """The CRM's and the ERP's profiles; a pack of the wrong role is a ConfigError."""
    profiles = []
    for vendor, role in ((crm, "crm"), (erp, "erp")):
        pack = connector_pack(vendor)
        if pack.role != role:
            raise ConfigError(f"{vendor} is the {pack.role.upper()} side of a pair, not the"
                              f" {role.upper()}", key=f"--{role}")  # fmt: skip
        profiles.append(pack.profile)
    return profiles[0], profiles[1]


def compile_mappings(crm: str, erp: str, flows: Sequence[str] | None = None) -> PairMappings:
    """The pair's mappings (every business flow both profiles support, or `flows`)."""
    crm_profile, erp_profile = pair_profiles(crm, erp)
    compiled, skipped = compile_pair(crm_profile, erp_profile, flows)
    if not compiled:
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped.items())
        raise ConfigError(f"{crm} -> {erp}: no flow compiles ({reasons})", key="--flow")
    version = load_model().version
    texts = {
        c.flow.name: render_mapping(c.mapping, _header(crm_profile, erp_profile, c, version))
        for c in compiled
    }
    for name, text in texts.items():  # a profile's mistake fails here, naming its flow
        parse_mapping(text, file=f"{name}.yaml compiled from {crm} x {erp}")
    return PairMappings(crm_profile.vendor, erp_profile.vendor, tuple(compiled), texts, skipped)


def _header(crm: Profile, erp: Profile, flow: CompiledFlow, version: int) -> str:
    after = ", ".join(flow.depends_on) or "nothing"
    return (
        f"Flow `{flow.flow.name}`, compiled by `harness mapping compile --crm {crm.vendor}"
        f" --erp {erp.vendor}`\n"
        f"from the {crm.vendor} ({crm.role.upper()}) and {erp.vendor} ({erp.role.upper()})"
        f" profiles over the canonical model, version {version}.\n"
        f"Runs after: {after}.\n"
        "This file is what sync and reconcile read: review it, edit it, sign it. Compiling"
        " again\noverwrites it; keep your edits under version control."
    )


__all__ = ["PairMappings", "compile_mappings", "pair_profiles"]
