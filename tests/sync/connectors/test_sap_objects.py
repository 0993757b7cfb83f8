"""The SAP connector's views over the mock's seeded world and its own writes: contact
persons linked to their organisation, order items patched, added and removed, stock summed
per location, billing documents tied to their order; OAuth and `sap-client` on the wire."""

from __future__ import annotations

import httpx

from .conftest import ADMIN_TOKEN, Kit
from .sap_support import sap_connector

EXT = "BusinessPartnerIDByExtSystem"


connector = sap_connector


def seed_world(kit: Kit) -> dict[str, int]:
    answer = kit.client.post(
        "/__harness/seed",
        json={"accounts": 3, "erp": "sap", "full_business": True, "products": 5},
        headers={"X-Harness-Token": ADMIN_TOKEN},
    )
    assert answer.status_code == 200, answer.text
    seeded: dict[str, int] = answer.json()["seeded"]
    return seeded


def test_a_contact_person_is_created_and_linked_to_its_organisation(sap: Kit) -> None:
    conn = connector(sap)
    (company,) = conn.upsert("Organization", EXT, [{EXT: "ORG-1", "OrganizationName": "Org"}])
    person = {EXT: "PER-1", "FirstName": "Ada", "LastName": "Lovelace",
              "BusinessPartnerCompany": company.id,
              "Address": {"EmailAddress": "ada@example.com", "Country": "GB"}}  # fmt: skip
    (created,) = conn.upsert("ContactPerson", EXT, [person])
    assert created.ok and created.created, created
    found = connector(sap).get_by_external_id("ContactPerson", EXT, ["PER-1"])["PER-1"]
    assert found.fields["BusinessPartnerCompany"] == company.id
    assert found.fields["BusinessPartnerCategory"] == "1"
    assert found.fields["Address"]["EmailAddress"] == "ada@example.com"
    organisations = connector(sap).get_by_external_id("Organization", EXT, ["PER-1"])
    assert organisations == {}  # a person is no customer
    (again,) = conn.upsert("ContactPerson", EXT, [{**person, "LastName": "King"}])
    assert again.ok and not again.created
    relinks = connector(sap).read("A_BusinessPartnerContact")
    assert sum(len(page) for page in relinks) == 1  # the link is not made twice
    (other,) = conn.upsert("Organization", EXT, [{EXT: "ORG-2", "OrganizationName": "Other"}])
    (moved,) = conn.update("ContactPerson", [(str(created.id), {"BusinessPartnerCompany":
                                                                other.id})])  # fmt: skip
    assert moved.ok, moved
    found = connector(sap).get_by_ids("ContactPerson", [str(created.id)])[str(created.id)]
    assert found.fields["BusinessPartnerCompany"] == other.id


def test_order_items_are_patched_added_and_removed_by_number(sap: Kit) -> None:
    conn = connector(sap)
    (customer,) = conn.upsert("Organization", EXT, [{EXT: "ORD-C", "OrganizationName": "C"}])
    product = {"ProductOldID": "ORD-P", "Product": "ORD-P", "ProductType": "FERT",
               "BaseUnit": "EA", "ProductDescription": "Widget"}  # fmt: skip
    assert conn.upsert("A_Product", "ProductOldID", [product])[0].ok
    order = {"ExternalDocumentID": "SO-1", "SoldToParty": customer.id,
             "SalesOrderDate": "2024-01-15", "TransactionCurrency": "USD",
             "to_Item": [{"Material": "ORD-P", "RequestedQuantity": 1},
                         {"Material": "ORD-P", "RequestedQuantity": 2}]}  # fmt: skip
    (created,) = conn.upsert("A_SalesOrder", "ExternalDocumentID", [order])
    assert created.ok, created
    lines = [{"SalesOrderItem": "10", "Material": "ORD-P", "RequestedQuantity": 5},
             {"SalesOrderItem": "30", "Material": "ORD-P", "RequestedQuantity": 7}]  # fmt: skip
    (changed,) = conn.upsert("A_SalesOrder", "ExternalDocumentID", [{**order, "to_Item": lines}])
    assert changed.ok and not changed.created, changed
    found = connector(sap).get_by_ids("A_SalesOrder", [str(created.id)])[str(created.id)]
    items = [(i["SalesOrderItem"], i["RequestedQuantity"]) for i in found.fields["to_Item"]]
    assert items == [("10", 5), ("30", 7)]


def test_seeded_stock_billing_and_contacts_read_as_plain_records(sap: Kit) -> None:
    seeded = seed_world(sap)
    conn = connector(sap, page_size=None)
    levels = [r for page in conn.read("A_MatlStkInAcctMod") for r in page]
    assert levels and len({r.id for r in levels}) == len(levels)
    assert len(levels) <= seeded["A_MatlStkInAcctMod"]
    level = levels[0]
    assert level.id == f"{level.fields['Material']}:{level.fields['Plant']}"
    assert level.fields["Location"] == level.fields["Plant"]
    on_hand = sum(r.fields["MatlWrhsStkQtyInMatlBaseUnit"] for r in levels)
    assert all(r.fields["UnrestrictedStockQuantity"] <= r.fields["MatlWrhsStkQtyInMatlBaseUnit"]
               for r in levels) and on_hand > 0  # fmt: skip
    documents = [r for page in conn.read("A_BillingDocument") for r in page]
    assert len(documents) == seeded["A_BillingDocument"]
    orders = {r.id for page in conn.read("A_SalesOrder") for r in page}
    assert {d.fields["SalesOrder"] for d in documents if d.fields["SalesOrder"]} <= orders
    assert {d.fields["InvoiceClearingStatus"] for d in documents} <= {"A", "B", "C"}
    contacts = [r for page in conn.read("ContactPerson") for r in page]
    assert len(contacts) == seeded["A_BusinessPartnerContact"]  # persons without a link: out
    companies = {r.id for page in conn.read("Organization") for r in page}
    assert all(c.fields["BusinessPartnerCompany"] in companies for c in contacts)


def test_oauth_and_sap_client_travel_on_every_request(sap: Kit) -> None:
    credentials = {k: v for k, v in sap.settings.credentials.items()
                   if k in ("client_id", "client_secret")}  # fmt: skip
    conn = connector(sap, credentials=credentials, options={"sap_client": "100"})
    assert conn.auth.mode == "oauth"
    sent: list[tuple[str, str]] = []
    conn.http.observe(lambda method, url, _: sent.append((method, url)))
    (result,) = conn.upsert("Organization", EXT, [{EXT: "OAUTH-1", "OrganizationName": "O"}])
    assert result.ok, result
    assert sent[0][1].endswith("/sap/bc/sec/oauth2/token?sap-client=100")
    assert all(httpx.URL(url).params.get("sap-client") == "100" for _, url in sent)
    assert conn.http.stats.auth_refreshes == 0
