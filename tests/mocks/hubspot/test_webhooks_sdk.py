"""hubspot-api-client's own `webhooks` module against the sandbox over TLS: the developer
key (`hapikey`) configures the target and subscriptions, the access token writes, and the
SDK's `Signature` accepts what the sandbox delivers."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hubspot import HubSpot
from hubspot.crm.companies import SimplePublicObjectInputForCreate
from hubspot.utils.signature import Signature
from hubspot.webhooks import (
    BatchInputSubscriptionBatchUpdateRequest,
    SettingsChangeRequest,
    SubscriptionBatchUpdateRequest,
    SubscriptionCreateRequest,
    ThrottlingSettings,
)
from hubspot.webhooks.exceptions import ApiException

from mocks.hubspot.webhooks import WebhookHub
from tests.fidelity.hubspot_sdk import MOCK, ApiClients, hubspot_server, sdk_client
from tests.mocks.hubspot.test_webhooks import Receiver

pytestmark = [pytest.mark.fidelity]


def test_the_sdk_configures_webhooks_and_verifies_what_arrives(tmp_path: Path) -> None:
    receiver, clients = Receiver(), ApiClients()
    try:
        with hubspot_server(tmp_path) as (running, tls):
            developer = HubSpot(
                api_key=MOCK.developer_api_key,
                host=running.url,
                ssl_ca_cert=str(tls.ca_path),
                api_factory=clients.factory,
            )
            settings = developer.webhooks.settings_api.configure(
                MOCK.app_id,
                settings_change_request=SettingsChangeRequest(
                    target_url=receiver.url,
                    throttling=ThrottlingSettings(max_concurrent_requests=10),
                ),
            )
            assert settings.target_url == receiver.url
            # API objects are not kept: one held past `clients.close()` keeps its socket open.
            created = developer.webhooks.subscriptions_api.create(
                MOCK.app_id,
                subscription_create_request=SubscriptionCreateRequest(
                    event_type="company.propertyChange", property_name="name", active=False
                ),
            )
            developer.webhooks.subscriptions_api.update_batch(
                MOCK.app_id,
                batch_input_subscription_batch_update_request=(
                    BatchInputSubscriptionBatchUpdateRequest(
                        inputs=[SubscriptionBatchUpdateRequest(id=int(created.id), active=True)]
                    )
                ),
            )
            listed = developer.webhooks.subscriptions_api.get_all(MOCK.app_id).results
            assert [(s.event_type, s.property_name, s.active) for s in listed] == [
                ("company.propertyChange", "name", True)
            ]
            with pytest.raises(ApiException) as refused:
                developer.webhooks.subscriptions_api.get_by_id(999, MOCK.app_id)
            assert refused.value.status == 404
            del refused  # it holds the response, and the response its socket

            crm = sdk_client(running, tls, clients)
            company = crm.crm.companies.basic_api.create(
                SimplePublicObjectInputForCreate(properties={"name": "Signed Co"})
            )
            hub: WebhookHub = running.app.state.hubspot_webhooks
            assert hub.drain(timeout=30)
            clients.close()  # before the server stops: no TLS socket may outlive it
    finally:
        receiver.close()
    [post] = receiver.posts
    [event] = orjson.loads(post["body"])
    assert (event["objectId"], event["propertyValue"]) == (int(company.id), "Signed Co")
    assert Signature.is_valid(
        signature=post["headers"]["X-HubSpot-Signature-v3"],
        client_secret=MOCK.client_secret,
        request_body=post["body"].decode(),
        http_uri=receiver.url,
        signature_version="v3",
        timestamp=post["headers"]["X-HubSpot-Request-Timestamp"],
    )
