"""Shaping the seeded world for a judgement: company names as long as real ones get.

The generated companies' names are short (under 30 characters) or over the ERP's limit;
real names in between are where an integration that cuts text short gives itself away.
`lengthen_names` gives a share of the CRM's customers such a name before the command runs,
through the admin API and the customers mapping (which says where the name lives), so the
scenario stays vendor-neutral and the lengths stay within what the mapping carries.
"""

from __future__ import annotations

import random

from harness.judge.admin import admin
from harness.sandbox import Sandbox
from sync.mapping import load_mapping

_WORDS = (
    "Industrial",
    "Holdings",
    "International",
    "Logistics",
    "Engineering",
    "Partners",
    "Technologies",
    "Manufacturing",
    "Distribution",
    "Services",
    "Group",
    "Trading",
)
SHORTEST, LONGEST = 35, 80  # characters: past a 30-character cut, within the ERP's 83


def lengthen_names(box: Sandbox, share: float, *, seed: int, flow: str = "customers") -> int:
    """Rename `share` of the flow's source records (chosen by `seed`) to names of 35-80
    characters; returns how many were renamed (0 when the flow maps no canonical name)."""
    if share <= 0:
        return 0
    spec = load_mapping(box.pair.flow(flow).mapping)
    rule = spec.canonical_rule("name")
    if rule is None or not rule.sources:
        return 0
    role, obj, field = box.pair.flow(flow).source, spec.source.object, rule.sources[0]
    rng = random.Random(seed)
    renamed = 0
    for record in box.stored(role, obj):
        name = str(record["fields"].get(field) or "").strip()
        if not name or rng.random() >= share:
            continue
        longer = _longer(name, rng)
        admin(box, role, "PATCH", f"/records/{obj}/{record['id']}", json={field: longer})
        renamed += 1
    return renamed


def _longer(name: str, rng: random.Random) -> str:
    target = rng.randint(SHORTEST, LONGEST)
    words = name.split()
    while len(" ".join(words)) < target:  # bounded: every word adds at least 5 characters
        words.append(rng.choice(_WORDS))
    return " ".join(words)[:LONGEST].rstrip()


__all__ = ["lengthen_names"]
