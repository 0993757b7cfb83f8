"""hubspot-api-client 12.0.0, unchanged, reading `propertiesWithHistory` (get_page, get_by_id,
get_all, batch read) into its `ValueWithTimestamp` models, and the properties core API's
refusals of bad definitions and its archived listing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hubspot import HubSpot
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.contacts import BatchReadInputSimplePublicObjectId, SimplePublicObjectInput
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties import PropertyCreate

from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.hubspot_sdk import (
    MOCK,
    SDK_MARKS,
    WORLD,
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
    with fresh_clients(*server) as clients:
        yield sdk_client(*server, clients)


def _renamed(api: HubSpot, email: str) -> str:
    contacts = api.crm.contacts.basic_api
    made = contacts.create(ContactCreate(properties={"email": email, "firstname": "Ann"}))
    contacts.update(made.id, SimplePublicObjectInput(properties={"firstname": "Bea"}))
    return str(made.id)


def test_get_by_id_and_batch_read_deserialize_history(api: HubSpot) -> None:
    """The SDK's `ValueWithTimestamp` (value, timestamp, source_type, source_id) from the
    keys HubSpot sends (ballerina-platform/module-ballerinax-hubspot.crm.object.products,
    ballerina/tests/mock_service.bal)."""
    record = _renamed(api, "history-one@example.com")
    one = api.crm.contacts.basic_api.get_by_id(record, properties_with_history=["firstname"])
    versions = one.properties_with_history["firstname"]
    assert [v.value for v in versions] == ["Bea", "Ann"]
    assert versions[0].timestamp >= versions[1].timestamp
    assert versions[0].source_type == "INTEGRATION"
    assert versions[0].source_id == str(MOCK.app_id)
    batch = api.crm.contacts.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": record}], properties=["email"], properties_with_history=["firstname"]
        )
    )
    assert [v.value for v in batch.results[0].properties_with_history["firstname"]] == [
        "Bea",
        "Ann",
    ]


def test_get_page_with_history_and_the_50_limit(api: HubSpot) -> None:
    """HubSpot refuses a page over 50 with history (HubSpot/hubspot-api-python#143); the
    SDK's own `get_all` asks 50 then (`hubspot.utils.objects.PROPERTY_HISTORY_MAX_SIZE`)."""
    _renamed(api, "history-two@example.com")
    contacts = api.crm.contacts
    page = contacts.basic_api.get_page(limit=50, properties_with_history=["email"])
    assert len(page.results) == 50
    assert all(r.properties_with_history["email"][0].value for r in page.results)
    with pytest.raises(ContactsApiException) as refused:
        contacts.basic_api.get_page(limit=100, properties_with_history=["email"])
    assert refused.value.status == 400
    everyone = contacts.get_all(properties_with_history=["firstname"])
    assert len(everyone) == len(contacts.get_all())


def test_properties_refuse_bad_definitions_and_list_archived_ones(api: HubSpot) -> None:
    """The properties guide's type/fieldType table and name rules (see
    `mocks.hubspot.schema.rules`); `get_all(archived=True)` lists what `archive` archived."""
    core = api.crm.properties.core_api
    bad = [
        PropertyCreate(
            name="Bad Name!",
            label="x",
            type="string",
            field_type="text",
            group_name="erp_integration",
        ),
        PropertyCreate(
            name="sdk_x", label="x", type="string", field_type="text", group_name="nope"
        ),
        PropertyCreate(
            name="sdk_x",
            label="x",
            type="number",
            field_type="booleancheckbox",
            group_name="erp_integration",
        ),
    ]
    for definition in bad:
        with pytest.raises(PropertiesApiException) as refused:
            core.create("contacts", definition)
        assert refused.value.status == 400 and "VALIDATION_ERROR" in str(refused.value.body)
    made = PropertyCreate(
        name="sdk_archived",
        label="x",
        type="string",
        field_type="text",
        group_name="erp_integration",
    )
    core.create("companies", made)
    core.archive("companies", "sdk_archived")
    archived = {p.name: p for p in core.get_all("companies", archived=True).results}
    assert set(archived) == {"sdk_archived"} and archived["sdk_archived"].archived is True
    assert "sdk_archived" not in {p.name for p in core.get_all("companies").results}
