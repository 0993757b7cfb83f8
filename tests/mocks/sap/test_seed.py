"""The seeded world: the overlap's customers, contacts, products, orders, invoices and stock
under SAP's numbers (the ids `world_ids` promised), the CRM's ids as external ids, no
defect in a clean world and SAP-flavoured ones in a dirty world, logged as ground truth."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from mocks.sap.seed import SYSTEM_USER_PARTNER
from mocks.sap.seed.ids import world_ids
from mocks.world.generator import WorldSettings, generate_world
from tests.mocks.sap.support import BILLING, BP, SO, STOCK, WORLD, TestClient, results


def test_seed_projects_the_overlap_under_promised_ids(seeded: FastAPI, client: TestClient) -> None:
    world = generate_world(WorldSettings(**WORLD))  # type: ignore[arg-type]
    world.ensure_business()
    ids = world_ids(world)
    partners = {r["BusinessPartner"]: r for r in results(client.get(f"{BP}/A_BusinessPartner"))}
    orgs = [p for p in partners.values() if p["BusinessPartnerCategory"] == "2"]
    assert orgs and all(p["BusinessPartner"] in ids.values() for p in orgs)
    synced = [p for n, p in partners.items() if n != SYSTEM_USER_PARTNER]
    assert all(p["BusinessPartnerIDByExtSystem"] for p in synced)  # the CRM's ids
    orders = results(client.get(f"{SO}/A_SalesOrder", params={"$expand": "to_Item"}))
    assert orders and all(o["SoldToParty"] in partners for o in orders)
    assert all(o["ExternalDocumentID"] for o in orders)
    assert all(
        [i["SalesOrderItem"] for i in o["to_Item"]["results"]][:1] == ["10"]
        for o in orders
        if o["to_Item"]["results"]
    )
    bills = results(client.get(f"{BILLING}/A_BillingDocument", params={"$expand": "to_Item"}))
    assert bills and {b["to_Item"]["results"][0]["ReferenceSDDocument"] for b in bills} <= {
        o["SalesOrder"] for o in orders
    }
    assert results(client.get(f"{STOCK}/A_MatlStkInAcctMod", params={"$top": "1"}))


def test_contacts_are_person_partners_linked_to_their_company(
    seeded: FastAPI, client: TestClient
) -> None:
    links = results(client.get(f"{BP}/A_BusinessPartnerContact"))
    assert links
    person = client.get(f"{BP}/A_BusinessPartner('{links[0]['BusinessPartnerPerson']}')").json()[
        "d"
    ]
    assert person["BusinessPartnerCategory"] == "1" and person["LastName"]


def test_clean_world_has_no_sap_defects(seeded: FastAPI, client: TestClient) -> None:
    truth = seeded.state.mock.ground_truth
    assert not [t for t in truth if str(t["kind"]).startswith("sap_")]
    customers = client.get(f"{BP}/A_Customer/$count").text
    orgs = client.get(
        f"{BP}/A_BusinessPartner/$count", params={"$filter": "BusinessPartnerCategory eq '2'"}
    ).text
    assert customers == orgs  # every organisation has its customer role


def test_dirty_world_seeds_sap_defects_as_ground_truth(app: FastAPI, client: TestClient) -> None:
    app.state.mock.seed(WorldSettings(**{**WORLD, "accounts": 40, "dirty": 0.6}))  # type: ignore[arg-type]
    truth: list[dict[str, Any]] = [
        t for t in app.state.mock.ground_truth if str(t["kind"]).startswith("sap_")
    ]
    kinds = {t["kind"] for t in truth}
    assert kinds == {"sap_no_customer_role", "sap_split_name", "sap_region_mismatch"}
    for fact in truth:
        row = client.get(
            f"{BP}/A_BusinessPartner('{fact['record_id']}')",
            params={"$expand": "to_BusinessPartnerRole,to_BusinessPartnerAddress"},
        ).json()["d"]
        if fact["kind"] == "sap_no_customer_role":
            assert row["to_BusinessPartnerRole"]["results"] == []
        elif fact["kind"] == "sap_split_name":
            assert row["OrganizationBPName2"] and len(row["OrganizationBPName1"]) == 20
        else:
            address = row["to_BusinessPartnerAddress"]["results"][0]
            assert address["Region"] in ("TX", "09")


def test_companies_only_world_holds_just_the_communication_user(
    app: FastAPI, client: TestClient
) -> None:
    counts = app.state.mock.seed(WorldSettings(seed=5, accounts=6, erp="sap"))
    assert counts == {"A_BusinessPartner": 1, "A_BusinessPartnerRole": 1}
    user = client.get(f"{BP}/A_BusinessPartner('{SYSTEM_USER_PARTNER}')").json()["d"]
    assert user["BusinessPartnerCategory"] == "1"
    assert client.get(f"{BP}/A_Customer/$count").text == "0"
