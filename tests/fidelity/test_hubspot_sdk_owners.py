"""hubspot-api-client 12.0.0, unchanged, reading the owners API into its `PublicOwner`
models (get_page, get_by_id by id and by userId), reading the owner property's description,
and writing `hubspot_owner_id`: a live owner's id accepted, a made-up one refused (400)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hubspot import HubSpot
from hubspot.crm.companies import ApiException as CompaniesApiException
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.owners import ApiException as OwnersApiException

from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.hubspot_sdk import (
    SDK_MARKS,
    fresh_clients,
    hubspot_server,
    sdk_client,
)

pytestmark = SDK_MARKS
Server = tuple[RunningServer, TlsMaterial]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with hubspot_server(tmp_path_factory.mktemp("hubspot-tls")) as running:
        yield running


@pytest.fixture
def api(server: Server) -> Iterator[HubSpot]:
    with fresh_clients(*server) as clients:
        yield sdk_client(*server, clients)


def test_get_page_deserializes_owners(api: HubSpot) -> None:
    page = api.crm.owners.owners_api.get_page(limit=2)
    assert [o.id for o in page.results] == ["41629779", "41629811"]
    assert page.results[0].type == "PERSON"
    assert page.results[0].teams[0].name == "ERP Sales"
    assert page.paging.next.after == "52104466"
    archived = api.crm.owners.owners_api.get_page(archived=True)
    assert [(o.archived, o.user_id) for o in archived.results] == [(True, None)]


def test_get_by_id_by_id_and_by_user_id(api: HubSpot) -> None:
    owners = api.crm.owners.owners_api
    owner = owners.get_by_id(owner_id=41629811)
    assert (owner.first_name, owner.last_name, owner.archived) == ("Brook", "Okafor", False)
    same = owners.get_by_id(owner_id=owner.user_id, id_property="userId")
    assert same.id == owner.id
    with pytest.raises(OwnersApiException) as missing:
        owners.get_by_id(owner_id=99999)
    assert missing.value.status == 404


def test_owner_property_describes_the_owners(api: HubSpot) -> None:
    prop = api.crm.properties.core_api.get_by_name("deals", "hubspot_owner_id")
    assert (prop.type, prop.field_type) == ("enumeration", "select")
    assert prop.referenced_object_type == "OWNER"
    assert {o.value: o.label for o in prop.options}["52104466"] == "Casey Moreau"


def test_write_with_a_real_owner_is_accepted(api: HubSpot) -> None:
    owner = api.crm.owners.owners_api.get_page(email="casey.moreau@example.com").results[0]
    made = api.crm.companies.basic_api.create(
        CompanyCreate(properties={"name": "Owned Ltd", "hubspot_owner_id": owner.id})
    )
    assert made.properties["hubspot_owner_id"] == owner.id


def test_write_with_a_made_up_owner_is_refused(api: HubSpot) -> None:
    with pytest.raises(CompaniesApiException) as refused:
        api.crm.companies.basic_api.create(
            CompanyCreate(properties={"name": "Orphan Ltd", "hubspot_owner_id": "99999"})
        )
    assert refused.value.status == 400
    body = json.loads(refused.value.body)
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == "INVALID_OPTION"
