"""HubSpot webhooks: settings and subscriptions (webhooks API v3 and admin), events from the
vendor API's writes only, signed v3 batches of up to 100, retries with `attemptNumber`, and
a sender that stops with the app. Deliveries go to a real HTTP receiver on loopback."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from hubspot.utils.signature import Signature

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from mocks.hubspot.app import create_app
from mocks.hubspot.webhooks import WebhookHub, verify_v3
from mocks.store import RecordStore
from tests.clock import Clock
from tests.mocks.hubspot.conftest import CONFIG, START, Portal

APP = f"/webhooks/v3/{CONFIG.app_id}"
KEY = {"hapikey": CONFIG.developer_api_key}
FAST = {"webhook_delay_scale": 0.00001}  # HubSpot's day of retries in about a second


class Receiver:
    """A loopback HTTP server recording each POST; answers `statuses` in turn, then 204."""

    def __init__(self, statuses: list[int] | None = None, stalls: list[float] | None = None):
        self.statuses = list(statuses or [])
        self.stalls = list(stalls or [])  # seconds to sit on each request before answering
        self.posts: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append({"headers": dict(self.headers), "body": body})
                if receiver.stalls:
                    time.sleep(receiver.stalls.pop(0))  # a slow receiver, on purpose
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hubspot/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict[str, Any]]:
        return [e for p in self.posts for e in orjson.loads(p["body"])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def hub_of(portal: Portal) -> WebhookHub:
    hub: WebhookHub = portal.client.app.state.hubspot_webhooks  # type: ignore[attr-defined]
    return hub


def configure(portal: Portal, url: str, *subs: Any) -> None:
    wanted = list(subs) or [
        "company.creation",
        "company.deletion",
        {"eventType": "company.propertyChange", "propertyName": "name"},
    ]
    response = portal.admin("PUT", "/webhooks", json={"targetUrl": url, "subscriptions": wanted})
    assert response.status_code == 200, response.text
    portal.settings(**FAST)


def delivered(portal: Portal) -> dict[str, Any]:
    assert hub_of(portal).drain(timeout=30), "the outbox did not empty"
    status: dict[str, Any] = portal.admin("GET", "/webhooks").json()
    return status


def test_settings_and_subscriptions_through_the_webhooks_api(portal: Portal) -> None:
    client = portal.client
    assert client.get(f"{APP}/settings").status_code == 401  # neither key nor token
    assert client.get(f"{APP}/settings", params=KEY).status_code == 404  # none yet
    put = client.put(
        f"{APP}/settings",
        params=KEY,
        json={"targetUrl": "http://127.0.0.1:9/in", "throttling": {"maxConcurrentRequests": 10}},
    )
    assert put.status_code == 200, put.text
    assert put.json()["targetUrl"] == "http://127.0.0.1:9/in"
    assert put.json()["throttling"]["maxConcurrentRequests"] == 10
    far = client.put(f"{APP}/settings", params=KEY, json={"targetUrl": "https://example.com/x"})
    assert far.status_code == 400 and "loopback" in far.json()["message"]
    created = client.post(
        f"{APP}/subscriptions",
        params=KEY,
        json={"eventType": "company.propertyChange", "propertyName": "name", "active": True},
    )
    assert created.status_code == 201, created.text
    sub = created.json()
    assert (sub["eventType"], sub["propertyName"], sub["active"]) == (
        "company.propertyChange",
        "name",
        True,
    )
    bare = client.post(
        f"{APP}/subscriptions", params=KEY, json={"eventType": "deal.propertyChange"}
    )
    assert bare.status_code == 400  # a property change names its property
    odd = client.post(f"{APP}/subscriptions", params=KEY, json={"eventType": "company.hug"})
    assert odd.status_code == 400
    # The webhooks API takes the developer key only: a portal token is refused, as HubSpot
    # refuses it; another app's id is 404.
    assert portal.get(f"{APP}/subscriptions").status_code == 401
    listed = client.get(f"{APP}/subscriptions", params=KEY)
    assert [s["id"] for s in listed.json()["results"]] == [sub["id"]]
    assert client.get("/webhooks/v3/42/subscriptions", params=KEY).status_code == 404
    paused = client.patch(f"{APP}/subscriptions/{sub['id']}", params=KEY, json={"active": False})
    assert paused.json()["active"] is False
    assert client.delete(f"{APP}/subscriptions/{sub['id']}", params=KEY).status_code == 204
    assert client.get(f"{APP}/subscriptions/{sub['id']}", params=KEY).status_code == 404


def test_a_vendor_write_is_delivered_signed_v3(portal: Portal, receiver: Receiver) -> None:
    configure(portal, receiver.url)
    company = portal.create("companies", name="Acme Tools", domain="acme.example")
    renamed = portal.patch(
        f"/crm/v3/objects/companies/{company['id']}", json={"properties": {"name": "Acme Ltd"}}
    )
    assert renamed.status_code == 200
    status = delivered(portal)
    events = receiver.events()
    kinds = [(e["subscriptionType"], e.get("propertyValue")) for e in events]
    assert kinds == [
        ("company.creation", None),
        ("company.propertyChange", "Acme Tools"),
        ("company.propertyChange", "Acme Ltd"),
    ]
    for event in events:
        assert event["objectId"] == int(company["id"])
        assert (event["portalId"], event["appId"]) == (CONFIG.portal_id, CONFIG.app_id)
        assert event["attemptNumber"] == 0 and event["changeSource"] == "INTEGRATION"
    assert len({e["eventId"] for e in events}) == 3
    assert events[0]["changeFlag"] == "CREATED"
    assert status["totals"]["events_delivered"] == 3
    for post in receiver.posts:  # both the SDK's check and the mock's own accept it
        headers = post["headers"]
        signature, stamp = headers["X-HubSpot-Signature-v3"], headers["X-HubSpot-Request-Timestamp"]
        body = post["body"]
        assert Signature.is_valid(
            signature=signature,
            client_secret=CONFIG.client_secret,
            request_body=body.decode(),
            http_uri=receiver.url,
            http_method="POST",
            signature_version="v3",
            timestamp=stamp,
        )
        assert verify_v3(CONFIG.client_secret, "POST", receiver.url, body, signature, stamp)
        assert not verify_v3("another-secret", "POST", receiver.url, body, signature, stamp)
        old = str(int(stamp) - 6 * 60 * 1000)  # replayed six minutes later: refused
        assert not verify_v3(CONFIG.client_secret, "POST", receiver.url, body, signature, old)


def test_seeding_and_back_end_edits_send_nothing(portal: Portal, receiver: Receiver) -> None:
    configure(portal, receiver.url, "company.creation", "contact.creation")
    portal.seed()
    some = portal.get("/crm/v3/objects/companies", params={"limit": 1}).json()["results"][0]
    edit = portal.admin("PATCH", f"/records/companies/{some['id']}", json={"name": "Behind"})
    assert edit.status_code == 200
    status = delivered(portal)
    assert receiver.posts == [] and status["totals"].get("events", 0) == 0


def test_a_user_edit_is_sent_as_crm_ui(portal: Portal, receiver: Receiver) -> None:
    configure(portal, receiver.url)
    company = portal.create("companies", name="Old Name")
    hub_of(portal).drain(timeout=30)
    receiver.posts.clear()
    edit = portal.admin(
        "POST",
        "/webhooks/edits",
        json={"objectType": "companies", "id": company["id"], "properties": {"name": "New"}},
    )
    assert edit.status_code == 200 and edit.json()["events"] == 1
    delivered(portal)
    [event] = receiver.events()
    assert (event["propertyName"], event["propertyValue"]) == ("name", "New")
    assert event["changeSource"] == "CRM_UI"
    read = portal.get(f"/crm/v3/objects/companies/{company['id']}").json()
    assert read["properties"]["name"] == "New"
    refused = portal.admin(
        "POST",
        "/webhooks/edits",
        json={"objectType": "companies", "id": company["id"], "properties": {"nope": "x"}},
    )
    assert refused.status_code == 400  # validated as the API validates


def test_failed_deliveries_are_retried_with_their_attempt_number(portal: Portal) -> None:
    receiver = Receiver([500, 500])
    try:
        configure(portal, receiver.url, "company.creation")
        portal.create("companies", name="Retry Me")
        status = delivered(portal)
    finally:
        receiver.close()
    assert [e["attemptNumber"] for e in receiver.events()] == [0, 1, 2]
    assert len({e["eventId"] for e in receiver.events()}) == 1  # the same event, again
    outcomes = [(a["attemptNumber"], a["status"], a["outcome"]) for a in status["attempts"]]
    assert outcomes == [(0, 500, "retrying"), (1, 500, "retrying"), (2, 204, "delivered")]
    stamps = {p["headers"]["X-HubSpot-Request-Timestamp"] for p in receiver.posts}
    assert len(stamps) >= 1  # every attempt is signed when sent


def test_delivery_gives_up_after_the_last_retry(portal: Portal) -> None:
    receiver = Receiver([503] * 10)
    try:
        configure(portal, receiver.url, "company.creation")
        portal.settings(webhook_max_retries=2)
        portal.create("companies", name="Never Taken")
        status = delivered(portal)
    finally:
        receiver.close()
    assert [a["outcome"] for a in status["attempts"]] == ["retrying", "retrying", "gave_up"]
    assert status["totals"]["events_gave_up"] == 1 and status["pending"] == 0


def test_a_refused_connection_is_retried(portal: Portal) -> None:
    closed = Receiver()
    url = closed.url
    closed.close()  # nothing listens there any more
    configure(portal, url, "company.creation")
    portal.settings(webhook_max_retries=1)
    portal.create("companies", name="Nobody Home")
    status = delivered(portal)
    assert [a["error"].split(":")[0] for a in status["attempts"]] == ["connection failed"] * 2


def test_a_receiver_slower_than_the_timeout_gets_the_batch_again(portal: Portal) -> None:
    receiver = Receiver(stalls=[1.0])
    try:
        configure(portal, receiver.url, "company.creation")
        portal.settings(webhook_timeout_seconds=0.2)
        portal.create("companies", name="Slow Co")
        status = delivered(portal)
    finally:
        receiver.close()
    first, second = status["attempts"]
    assert first["error"].startswith("timed out") and first["outcome"] == "retrying"
    assert (second["attemptNumber"], second["status"]) == (1, 204)


def test_events_come_in_batches_of_at_most_100(receiver: Receiver) -> None:
    app = create_app(CONFIG, RecordStore(clock=Clock(START)))
    client = TestClient(app)  # no lifespan: no sender thread, the test pumps
    portal = Portal(client, Clock(START))
    configure(portal, receiver.url, "company.creation")
    inputs = [{"properties": {"name": f"Batch Co {i}"}} for i in range(100)]
    for chunk in (inputs, inputs[:50]):
        answer = portal.post("/crm/v3/objects/companies/batch/create", json={"inputs": chunk})
        assert answer.status_code == 201, answer.text
    hub: WebhookHub = app.state.hubspot_webhooks
    assert hub.pending() == 150 and receiver.posts == []
    assert hub.pump() == 2
    assert [len(orjson.loads(p["body"])) for p in receiver.posts] == [100, 50]


def test_associations_and_deletions(portal: Portal, receiver: Receiver) -> None:
    configure(portal, receiver.url, "contact.associationChange", "company.deletion")
    company = portal.create("companies", name="Linked Co")
    contact = portal.post(
        "/crm/v3/objects/contacts",
        json={
            "properties": {"email": "a@linked.example"},
            "associations": [
                {
                    "to": {"id": company["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                }
            ],
        },
    ).json()
    assert portal.delete(f"/crm/v3/objects/companies/{company['id']}").status_code == 204
    delivered(portal)
    by_type = {e["subscriptionType"]: e for e in receiver.events()}
    link = by_type["contact.associationChange"]
    assert (link["fromObjectId"], link["toObjectId"]) == (int(contact["id"]), int(company["id"]))
    assert link["associationType"] == "CONTACT_TO_COMPANY" and not link["associationRemoved"]
    assert by_type["company.deletion"]["changeFlag"] == "DELETED"


def test_an_inactive_subscription_sends_nothing(portal: Portal, receiver: Receiver) -> None:
    configure(portal, receiver.url, {"eventType": "company.creation", "active": False})
    portal.create("companies", name="Quiet Co")
    status = delivered(portal)
    assert receiver.posts == [] and status["totals"].get("events", 0) == 0


def test_the_sender_stops_with_the_app() -> None:
    app = create_app(CONFIG, RecordStore())
    hub: WebhookHub = app.state.hubspot_webhooks
    with TestClient(app):
        thread = hub._thread
        assert thread is not None and thread.is_alive()
    assert not thread.is_alive() and hub._thread is None
