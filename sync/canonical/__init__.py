"""The canonical business model, vendor profiles, and mappings compiled from two profiles.

The model (`model.yaml`) says what the business is: entities, fields, owners, flows. Each
connector pack's profile says how its vendor spells it. `compile_mappings(crm, erp)` turns
two profiles into the pairwise mapping files people review and sign, and that sync and
reconcile read (`harness mapping compile`).
"""

from __future__ import annotations

from sync.canonical.compile import CompiledFlow, Unsupported, compile_flow, compile_pair
from sync.canonical.model import (
    BusinessFlow,
    CanonicalField,
    CanonicalModel,
    Entity,
    load_model,
)
from sync.canonical.pairs import PairMappings, compile_mappings, pair_profiles
from sync.canonical.profile import Profile, ProfileEntity, ProfileField, load_profile
from sync.canonical.render import render_mapping

__all__ = [
    "BusinessFlow",
    "CanonicalField",
    "CanonicalModel",
    "CompiledFlow",
    "Entity",
    "PairMappings",
    "Profile",
    "ProfileEntity",
    "ProfileField",
    "Unsupported",
    "compile_flow",
    "compile_mappings",
    "compile_pair",
    "load_model",
    "load_profile",
    "pair_profiles",
    "render_mapping",
]
