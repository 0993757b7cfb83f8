"""The seeded portal: the ids `world_ids` promises, ERP ids from the overlap, associations,
and HubSpot's own defects only in a dirty world, each in the ground truth."""

from __future__ import annotations

from collections import Counter

from mocks.hubspot.seed.ids import world_ids
from mocks.world.generator import WorldSettings, generate_world
from tests.mocks.hubspot.conftest import WORLD, Portal


def _live(portal: Portal, obj: str) -> dict[str, dict[str, object]]:
    rows = portal.admin("GET", "/snapshot", params={"objects": obj}).json()["objects"][obj]
    return {r["id"]: r["fields"] for r in rows if not r["deleted"]}


def test_seeded_ids_are_the_ones_world_ids_promises(seeded: Portal) -> None:
    world = generate_world(WorldSettings.from_mapping(dict(WORLD)))
    ids = world_ids(world)
    held = {
        obj: set(_live(seeded, obj))
        for obj in ("companies", "contacts", "deals", "products", "line_items")
    }
    assert set(ids.values()) == set().union(*held.values())
    assert all(i.isdigit() for i in ids.values())


def test_records_carry_erp_ids_and_string_values(seeded: Portal) -> None:
    companies = _live(seeded, "companies")
    assert any(f.get("erp_customer_id") for f in companies.values())
    for fields in companies.values():
        assert all(v is None or isinstance(v, str) for v in fields.values())
    deals = _live(seeded, "deals")
    assert all(f["order_number"] and f["pipeline"] == "default" for f in deals.values())


def test_contacts_deals_and_lines_are_associated(seeded: Portal) -> None:
    deal_id = next(iter(_live(seeded, "deals")))
    lines = seeded.get(f"/crm/v4/objects/deals/{deal_id}/associations/line_items").json()
    companies = seeded.get(f"/crm/v4/objects/deals/{deal_id}/associations/companies").json()
    assert lines["results"] and len(companies["results"]) == 1
    assert {t["typeId"] for t in companies["results"][0]["associationTypes"]} == {5, 341}


def test_a_clean_world_seeds_no_defect(seeded: Portal) -> None:
    facts = seeded.admin("GET", "/ground-truth").json()["facts"]
    assert facts == []


def test_a_dirty_world_logs_hubspot_defects_with_record_ids(portal: Portal) -> None:
    portal.seed(accounts=60, dirty=1.0, contacts_per_company=4)
    facts = portal.admin("GET", "/ground-truth").json()["facts"]
    mine = [f for f in facts if f["details"].get("vendor_defect")]
    kinds = Counter(f["kind"] for f in mine)
    assert {"duplicate_company", "missing_association", "free_text_location"} <= set(kinds)
    assert all(f["record_id"].isdigit() for f in mine)
    twin = next(f for f in mine if f["kind"] == "duplicate_company")
    companies = _live(portal, "companies")
    assert companies[twin["details"]["twin_record_id"]]["domain"] == twin["details"]["domain"]
    orphan = next(f for f in mine if f["kind"] == "missing_association")
    links = portal.get(f"/crm/v4/objects/contacts/{orphan['record_id']}/associations/companies")
    assert links.json()["results"] == []


def test_the_same_world_seeds_the_same_portal(portal: Portal) -> None:
    portal.seed(dirty=0.5)
    first = _live(portal, "companies")
    portal.seed(dirty=0.5)
    assert _live(portal, "companies") == first
