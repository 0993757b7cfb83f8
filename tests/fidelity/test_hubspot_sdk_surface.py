"""hubspot-api-client 12.0.0, unchanged, against the HubSpot mock over HTTPS: associations v4
(labelled, default, page, archive, batches), the properties core API, the generic objects
API, the OAuth refresh grant, and `ApiException` status and body for 401, 404, 409 and 429."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hubspot import HubSpot
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)
from hubspot.crm.companies import ApiException as CompaniesApiException
from hubspot.crm.companies import BatchReadInputSimplePublicObjectId
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInputUpsert,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties import PropertyCreate

from mocks.hubspot.ids import make_id
from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.hubspot_sdk import (
    MOCK,
    SDK_MARKS,
    WORLD,
    ApiClients,
    admin_client,
    fresh_clients,
    hubspot_server,
    sdk_client,
)

pytestmark = SDK_MARKS
Server = tuple[RunningServer, TlsMaterial]
HUBSPOT_DEFINED = "HUBSPOT_DEFINED"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with hubspot_server(tmp_path_factory.mktemp("hubspot-tls"), WORLD) as running:
        yield running


@pytest.fixture
def clients(server: Server) -> Iterator[ApiClients]:
    with fresh_clients(*server) as made:
        yield made


@pytest.fixture
def api(server: Server, clients: ApiClients) -> HubSpot:
    return sdk_client(*server, clients)


def _contact(api: HubSpot, email: str) -> str:
    made = api.crm.contacts.basic_api.create(ContactCreate(properties={"email": email}))
    return str(made.id)


def test_labelled_and_default_associations_page_and_archive(api: HubSpot) -> None:
    v4 = api.crm.associations.v4.basic_api
    company = make_id("companies", 3)
    contact = _contact(api, "assoc@example.com")
    labelled = v4.create(
        "contacts",
        contact,
        "companies",
        company,
        [AssociationSpec(association_category=HUBSPOT_DEFINED, association_type_id=1)],
    )
    assert labelled.labels == ["Primary"] and labelled.to_object_id == company
    default = v4.create_default("contacts", contact, "companies", company)
    assert default.status == "COMPLETE"
    assert default.results[0].association_spec.association_type_id == 279
    page = v4.get_page("contacts", contact, "companies")
    types = {t.type_id for t in page.results[0].association_types}
    assert page.results[0].to_object_id == company and types == {1, 279}
    assert v4.archive("contacts", contact, "companies", company) is None
    assert v4.get_page("contacts", contact, "companies").results == []


def test_batch_associations(api: HubSpot) -> None:
    batch = api.crm.associations.v4.batch_api
    deal = api.crm.objects.basic_api.create(
        "deals", SimplePublicObjectInputForCreate(properties={"dealname": "SDK deal"})
    ).id
    line = api.crm.objects.basic_api.create(
        "line_items",
        SimplePublicObjectInputForCreate(properties={"name": "SDK line", "quantity": "2"}),
    ).id
    spec = AssociationSpec(association_category=HUBSPOT_DEFINED, association_type_id=19)
    made = batch.create(
        "deals",
        "line_items",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=deal), to=PublicObjectId(id=line), types=[spec]
                )
            ]
        ),
    )
    assert made.status == "COMPLETE" and made.results[0].to_object_id == line
    read = batch.get_page(
        "deals",
        "line_items",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=deal)]
        ),
    )
    assert [t.to_object_id for t in read.results[0].to] == [line]
    company = make_id("companies", 4)
    default = batch.create_default(
        "deals",
        "companies",
        BatchInputPublicDefaultAssociationMultiPost(
            inputs=[
                PublicDefaultAssociationMultiPost(
                    _from=PublicObjectId(id=deal), to=PublicObjectId(id=company)
                )
            ]
        ),
    )
    assert default.results[0].association_spec.association_type_id == 341
    assert (
        batch.archive(
            "deals",
            "line_items",
            BatchInputPublicAssociationMultiArchive(
                inputs=[
                    PublicAssociationMultiArchive(
                        _from=PublicObjectId(id=deal), to=[PublicObjectId(id=line)]
                    )
                ]
            ),
        )
        is None
    )
    after = batch.get_page(
        "deals",
        "line_items",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=deal)]
        ),
    )
    assert after.results[0].to == []


def test_properties_get_all_get_by_name_and_create(api: HubSpot) -> None:
    core = api.crm.properties.core_api
    listed = {p.name: p for p in core.get_all("companies").results}
    assert listed["erp_customer_id"].has_unique_value is True
    assert listed["erp_status"].type == "enumeration"
    assert [o.value for o in listed["erp_status"].options] == ["Active", "Inactive"]
    one = core.get_by_name("deals", "closedate")
    assert (one.type, one.field_type) == ("datetime", "date")
    made = core.create(
        "products",
        PropertyCreate(
            name="sdk_grade",
            label="Grade",
            type="string",
            field_type="text",
            group_name="erp_integration",
        ),
    )
    assert made.name == "sdk_grade" and made.hubspot_defined is False
    with pytest.raises(PropertiesApiException) as missing:
        core.get_by_name("products", "no_such_property")
    assert missing.value.status == 404


def test_generic_objects_api_and_search(api: HubSpot) -> None:
    objects = api.crm.objects
    page = objects.basic_api.get_page("contacts", limit=5, properties=["email"])
    assert len(page.results) == 5 and all("email" in r.properties for r in page.results)
    one = objects.basic_api.get_by_id("contacts", page.results[0].id)
    assert one.id == page.results[0].id
    upserted = objects.batch_api.upsert(
        "products",
        BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                {
                    "id": "SDK-ITEM-1",
                    "idProperty": "erp_item_id",
                    "properties": {"name": "SDK item", "price": "9.5"},
                }
            ]
        ),
    )
    assert upserted.results[0].new is True
    found = objects.search_api.do_search(
        "products",
        PublicObjectSearchRequest(
            filter_groups=[
                {
                    "filters": [
                        {"propertyName": "erp_item_id", "operator": "EQ", "value": "SDK-ITEM-1"}
                    ]
                }
            ],
            properties=["price"],
        ),
    )
    assert found.total == 1 and found.results[0].properties["price"] == "9.5"


def test_oauth_refresh_grant_gives_a_working_token(server: Server, clients: ApiClients) -> None:
    anonymous = sdk_client(*server, clients, token=None)
    issued = anonymous.oauth.tokens_api.create(
        grant_type="refresh_token",
        client_id=MOCK.client_id,
        client_secret=MOCK.client_secret,
        refresh_token=MOCK.refresh_token,
    )
    assert issued.token_type == "bearer" and issued.expires_in == 1800
    oauth_api = sdk_client(*server, clients, token=issued.access_token)
    assert oauth_api.crm.companies.basic_api.get_page(limit=1).results


def test_api_exception_for_401_404_409_and_429(
    api: HubSpot, server: Server, clients: ApiClients
) -> None:
    with pytest.raises(CompaniesApiException) as refused:
        sdk_client(*server, clients, token="pat-na1-wrong").crm.companies.basic_api.get_page()
    assert refused.value.status == 401 and "INVALID_AUTHENTICATION" in refused.value.body
    with pytest.raises(CompaniesApiException) as missing:
        api.crm.companies.basic_api.get_by_id("1")
    assert missing.value.status == 404 and "OBJECT_NOT_FOUND" in missing.value.body
    _contact(api, "twice@example.com")
    with pytest.raises(ContactsApiException) as clash:
        _contact(api, "twice@example.com")
    assert clash.value.status == 409 and "Existing ID: " in clash.value.body
    with admin_client(*server) as admin:
        admin.patch("/__harness/settings", json={"daily_limit": 1})  # already spent today
    # A POST: urllib3's default Retry would otherwise wait out Retry-After on a GET itself.
    with pytest.raises(CompaniesApiException) as throttled:
        api.crm.companies.batch_api.read(
            BatchReadInputSimplePublicObjectId(inputs=[{"id": make_id("companies", 1)}])
        )
    assert throttled.value.status == 429 and '"policyName":"DAILY"' in throttled.value.body
    assert '"errorType":"RATE_LIMIT"' in throttled.value.body
    assert int(throttled.value.headers["Retry-After"]) >= 1
