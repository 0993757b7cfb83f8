"""HubSpot's own defects in a dirty world (`WorldSettings.dirty` > 0), each a ground-truth
fact joined to `World.defects` (so `defects_for("hubspot")` names the record ids):

- `duplicate_company`: a second company with the same domain (a form or an import created
  it), named a little differently and holding no ERP id;
- `missing_association`: a contact left without its company association;
- `free_text_location`: a country or state typed as free text ("U.S.A.", "Calif.");
- `lifecycle_out_of_order`: a customer company (it has ERP orders) still at stage `lead`.

Draws come from their own seeded `random.Random`, each kind hitting about a tenth of
`dirty` of its records, so a world gets the same defects on every seeding. A clean world
never reaches this module.
"""

from __future__ import annotations

import random
from typing import Any

from mocks.hubspot.associations import dissociate
from mocks.hubspot.ids import make_id
from mocks.store import RecordStore, StoredRecord
from mocks.world.generator import World

SHARE = 0.1  # of `dirty`, per kind
FREE_TEXT_COUNTRIES = {
    "United States": "U.S.A.",
    "United Kingdom": "U.K.",
    "Germany": "Deutschland",
    "France": "République française",
    "Canada": "Canada (CA)",
}


def _fact(kind: str, entity: str, key: str, field: str, **details: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "entity": entity,
        "key": key,
        "field": field,
        "details": {"vendor_defect": True, **details},
    }


def _state_abbreviation(state: str) -> str:
    return state if len(state) <= 5 else state[:4].rstrip() + "."


def inject_defects(store: RecordStore, world: World, ids: dict[str, str]) -> None:
    """Apply the defects to the seeded records and add them to `world.defects`."""
    rng = random.Random(f"hubspot-defects-{world.settings.seed}")
    rate = world.settings.dirty * SHARE
    facts: list[dict[str, Any]] = []
    twins = 0
    for company in world.companies:
        record_id = ids[company.key]
        rec = store.get("companies", record_id)
        if rec is None:
            continue
        if rng.random() < rate and rec.fields.get("domain"):
            twins += 1
            twin_id = make_id("companies", len(world.companies) + twins)
            fields = {
                **rec.fields,
                "name": f"{company.name} (imported)",
                "erp_customer_id": None,
                "lifecyclestage": "lead",
            }
            store.insert("companies", twin_id, fields, at=world.settings.as_of)
            facts.append(
                _fact(
                    "duplicate_company",
                    "company",
                    company.key,
                    "domain",
                    domain=rec.fields["domain"],
                    twin_record_id=twin_id,
                )
            )
        if rng.random() < rate:
            facts.append(_free_text(store, company.key, rec, rng))
        if rng.random() < rate and rec.fields.get("lifecyclestage") == "customer":
            store.update("companies", record_id, {"lifecyclestage": "lead"}, at=rec.modified_at)
            facts.append(
                _fact(
                    "lifecycle_out_of_order",
                    "company",
                    company.key,
                    "lifecyclestage",
                    value="lead",
                    expected="customer",
                )
            )
    facts += _orphaned_contacts(store, world, ids, rng, rate)
    world.defects = [*world.defects, *facts]


def _free_text(
    store: RecordStore, key: str, rec: StoredRecord, rng: random.Random
) -> dict[str, Any]:
    record_id, fields, fields_time = rec.id, rec.fields, rec.modified_at
    country, state = fields.get("country"), fields.get("state")
    if country in FREE_TEXT_COUNTRIES and (not state or rng.random() < 0.5):
        value = FREE_TEXT_COUNTRIES[country]
        field = "country"
    else:
        value = _state_abbreviation(str(state or "Calif"))
        field = "state"
    # Stamped with the record's own time: the defect predates any sync, it is no new edit.
    store.update("companies", record_id, {field: value}, at=fields_time)
    return _fact("free_text_location", "company", key, field, value=value)


def _orphaned_contacts(
    store: RecordStore, world: World, ids: dict[str, str], rng: random.Random, rate: float
) -> list[dict[str, Any]]:
    business = world.business
    if business is None:
        return []
    facts = []
    for contact in business.contacts:
        record_id, company_id = ids.get(contact.key), ids.get(contact.company_key)
        if record_id is None or company_id is None or rng.random() >= rate:
            continue
        if dissociate(store, "contacts", record_id, "companies", company_id):
            facts.append(
                _fact(
                    "missing_association",
                    "contact",
                    contact.key,
                    "company_key",
                    company_record_id=company_id,
                )
            )
    return facts


__all__ = ["inject_defects"]
