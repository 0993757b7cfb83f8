"""hubspot-api-client 12.0.0, unchanged, against the HubSpot mock over HTTPS: the objects
basic API, `get_all`, every batch call (a 207 and a 409 included) and search with the
10,000-result cap (VENDORS.md 2.2 and 2.8)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.companies import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    PublicMergeInput,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate

from mocks.hubspot.ids import make_id
from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.hubspot_sdk import (
    SDK_MARKS,
    WORLD,
    admin_client,
    fresh_clients,
    hubspot_server,
    sdk_client,
)

pytestmark = SDK_MARKS
Server = tuple[RunningServer, TlsMaterial]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with hubspot_server(tmp_path_factory.mktemp("hubspot-tls"), WORLD) as running:
        yield running


@pytest.fixture
def api(server: Server) -> Iterator[HubSpot]:
    with fresh_clients(*server, search_per_second=0) as clients:
        yield sdk_client(*server, clients)


def test_get_page_follows_after_and_get_all_stops_at_the_last_page(api: HubSpot) -> None:
    first = api.crm.companies.basic_api.get_page(limit=10, properties=["name", "domain"])
    assert len(first.results) == 10 and first.paging.next.after
    second = api.crm.companies.basic_api.get_page(limit=10, after=first.paging.next.after)
    assert {c.id for c in first.results}.isdisjoint({c.id for c in second.results})
    everything = api.crm.companies.get_all(properties=["name"])
    generic = api.crm.objects.get_all("companies")  # stops only when `paging` is absent
    assert len(everything) == len(generic) >= 30
    assert all(isinstance(c.properties["name"], str) for c in everything)
    assert everything[0].created_at.tzinfo is not None


def test_get_by_id_with_associations_and_id_property(api: HubSpot) -> None:
    company_id = make_id("companies", 1)
    company = api.crm.companies.basic_api.get_by_id(
        company_id, properties=["erp_customer_id"], associations=["contacts"]
    )
    assert company.properties["hs_object_id"] == company_id
    erp_id = company.properties["erp_customer_id"]
    assert erp_id
    again = api.crm.companies.basic_api.get_by_id(erp_id, id_property="erp_customer_id")
    assert again.id == company_id
    assert company.associations["contacts"].results[0].type.startswith("company_to_contact")


def test_create_update_archive_and_merge(api: HubSpot) -> None:
    basic = api.crm.companies.basic_api
    made = basic.create(
        SimplePublicObjectInputForCreate(properties={"name": "SDK Co", "numberofemployees": "7"})
    )
    assert made.id.isdigit() and made.properties["name"] == "SDK Co"
    changed = basic.update(made.id, SimplePublicObjectInput(properties={"phone": "+1 555 0101"}))
    assert changed.properties["phone"] == "+1 555 0101"
    twin = basic.create(
        SimplePublicObjectInputForCreate(
            properties={"name": "SDK Co twin", "website": "sdk.example"}
        )
    )
    merged = basic.merge(PublicMergeInput(primary_object_id=made.id, object_id_to_merge=twin.id))
    assert merged.id not in (made.id, twin.id)  # a merge makes a record with a new id
    assert basic.get_by_id(twin.id, properties=["name", "website"]).properties == {
        **basic.get_by_id(merged.id, properties=["name", "website"]).properties
    }
    assert basic.get_by_id(made.id).id == merged.id  # both old ids lead to it
    assert basic.archive(merged.id) is None
    assert basic.archive(merged.id) is None  # archiving an archived id is still 204
    with pytest.raises(ApiException) as gone:
        basic.get_by_id(made.id)
    assert gone.value.status == 404 and "OBJECT_NOT_FOUND" in gone.value.body
    archived = basic.get_page(archived=True, limit=100)
    assert merged.id in {c.id for c in archived.results}


def test_batch_read_create_update_upsert_and_archive(api: HubSpot) -> None:
    batch = api.crm.companies.batch_api
    created = batch.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                {"properties": {"name": f"Batch {n}", "erp_customer_id": f"SDK-{n}"}}
                for n in range(3)
            ]
        )
    )
    assert created.status == "COMPLETE" and len(created.results) == 3
    ids = [c.id for c in created.results]
    read = batch.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": "SDK-0"}, {"id": "SDK-1"}],
            id_property="erp_customer_id",
            properties=["name"],
        )
    )
    assert sorted(r.id for r in read.results) == sorted(ids[:2])
    updated = batch.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[{"id": i, "properties": {"erp_status": "Active"}} for i in ids]
        )
    )
    assert {r.properties["erp_status"] for r in updated.results} == {"Active"}
    upserted = batch.upsert(
        BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                {"id": "SDK-0", "idProperty": "erp_customer_id", "properties": {"name": "Renamed"}},
                {"id": "SDK-9", "idProperty": "erp_customer_id", "properties": {"name": "Fresh"}},
            ]
        )
    )
    assert sorted((r.properties["name"], r.new) for r in upserted.results) == [
        ("Fresh", True),
        ("Renamed", False),
    ]
    assert batch.archive(BatchInputSimplePublicObjectId(inputs=[{"id": i} for i in ids])) is None
    assert api.crm.companies.basic_api.get_page(archived=True, limit=100).results


def test_a_batch_with_a_missing_id_is_207_with_errors(api: HubSpot) -> None:
    answer = api.crm.companies.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": make_id("companies", 2)}, {"id": "1"}], properties=["name"]
        )
    )
    assert answer.num_errors == 1 and len(answer.results) == 1
    assert answer.errors[0].category == "OBJECT_NOT_FOUND"
    assert answer.errors[0].context == {"ids": ["1"]}


def test_a_duplicate_email_is_409_with_the_existing_id(api: HubSpot) -> None:
    basic = api.crm.contacts.basic_api
    first = basic.create(ContactCreate(properties={"email": "sdk.dup@example.com"}))
    with pytest.raises(ContactsApiException) as clash:
        basic.create(ContactCreate(properties={"email": "sdk.dup@example.com"}))
    assert clash.value.status == 409
    assert f"Contact already exists. Existing ID: {first.id}" in clash.value.body
    with pytest.raises(ContactsApiException) as batch_clash:
        api.crm.contacts.batch_api.create(
            {"inputs": [{"properties": {"email": "sdk.dup@example.com"}}]}
        )
    assert batch_clash.value.status == 409


def _search(api: HubSpot, **kw: Any) -> Any:
    return api.crm.companies.search_api.do_search(PublicObjectSearchRequest(**kw))


def test_search_with_filters_sorts_paging_and_total(api: HubSpot) -> None:
    groups = [
        {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"}]}
    ]
    sorts = [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
    first = _search(api, filter_groups=groups, sorts=sorts, properties=["name"], limit=5)
    assert first.total >= 30 and len(first.results) == 5
    stamps = [r.updated_at for r in first.results]
    assert stamps == sorted(stamps)
    second = _search(api, filter_groups=groups, sorts=sorts, limit=5, after=first.paging.next.after)
    assert {r.id for r in second.results}.isdisjoint({r.id for r in first.results})


def test_search_past_the_cap_is_400(api: HubSpot, server: Server) -> None:
    with pytest.raises(ApiException) as capped:
        _search(api, limit=10, after="10000")
    assert capped.value.status == 400 and "10000" in capped.value.body
    with admin_client(*server) as admin:
        admin.patch("/__harness/settings", json={"search_result_cap": 20})
    page = _search(api, limit=10, after="10")
    assert page.paging.next.after == "20"
    with pytest.raises(ApiException) as lowered:
        _search(api, limit=10, after=page.paging.next.after)
    assert lowered.value.status == 400
