"""The webhooks API (v3) and its admin side.

Vendor API, as hubspot-api-client's `webhooks` module calls it (the developer account's API
key as `hapikey`, or a portal token; the path's app id must be the portal's app):

- `GET|PUT|DELETE /webhooks/v3/{appId}/settings`: `{targetUrl, throttling}`;
- `GET|POST /webhooks/v3/{appId}/subscriptions`, `GET|PATCH|DELETE .../{subscriptionId}`,
  `POST .../subscriptions/batch/update` (`{inputs: [{id, active}]}`).

Admin API (`X-Harness-Token`):

- `GET /__harness/webhooks`: configuration, pending events, totals and the last attempts
  (`limit`, default 100);
- `PUT /__harness/webhooks`: `{targetUrl, subscriptions: ["company.creation",
  {"eventType": "company.propertyChange", "propertyName": "name"}, ...]}` at once;
- `POST /__harness/webhooks/edits`: `{objectType, id, properties}`, a user's edit in
  HubSpot's screens: validated as the API validates, sent with `changeSource: CRM_UI`;
  answers `{id, events, eventIds}`;
- `POST /__harness/webhooks/pump`: send what is due now (`ignore_delays=true`: every retry
  at once), for tests on an app with no running sender thread.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.hubspot import records
from mocks.hubspot.errors import HubSpotError, validation
from mocks.hubspot.history import Source
from mocks.hubspot.routes.common import add_route, answer, json_body, no_content, whole
from mocks.hubspot.schema import object_spec
from mocks.hubspot.state import hubspot
from mocks.hubspot.webhooks.delivery import WebhookHub
from mocks.hubspot.webhooks.events import UI_SOURCE, Written, capture
from mocks.store import WRITE_OBSERVER, Change

PREFIX = "/webhooks/v3/{app_id}"
# A user's edit, as property history shows it (user 1, the `sourceId` its events carry).
USER_EDIT = Source(UI_SOURCE, "userId:1", 1)


def webhook_hub(request: Request) -> WebhookHub:
    hub: WebhookHub = request.app.state.hubspot_webhooks
    return hub


def _app_hub(request: Request) -> WebhookHub:
    """The hub, when the path names the portal's app (else 404 as HubSpot answers)."""
    hub = webhook_hub(request)
    if request.path_params["app_id"] != str(hub.mock_config.app_id):
        raise HubSpotError(404, f"No app with id {request.path_params['app_id']}", "NOT_FOUND")
    return hub


async def get_settings(request: Request) -> Response:
    return answer(_app_hub(request).webhooks.settings_json())


async def put_settings(request: Request) -> Response:
    hub = _app_hub(request)
    return answer(hub.webhooks.put_settings(await json_body(request)))


async def delete_settings(request: Request) -> Response:
    _app_hub(request).webhooks.clear_settings()
    return no_content()


async def list_subscriptions(request: Request) -> Response:
    subs = _app_hub(request).webhooks.subscriptions.values()
    return answer({"results": [s.to_json() for s in subs]})


async def create_subscription(request: Request) -> Response:
    hub = _app_hub(request)
    return answer(hub.webhooks.subscribe(await json_body(request)).to_json(), 201)


async def get_subscription(request: Request) -> Response:
    sub_id = request.path_params["sub_id"]
    return answer(_app_hub(request).webhooks.get(sub_id).to_json())


async def patch_subscription(request: Request) -> Response:
    hub = _app_hub(request)
    body = await json_body(request)
    active = body.get("active") if isinstance(body, dict) else None
    return answer(hub.webhooks.set_active(request.path_params["sub_id"], active).to_json())


async def delete_subscription(request: Request) -> Response:
    _app_hub(request).webhooks.unsubscribe(request.path_params["sub_id"])
    return no_content()


async def batch_update(request: Request) -> Response:
    hub = _app_hub(request)
    body = await json_body(request)
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list):
        raise validation("inputs must be a list of {id, active}")
    results = [
        hub.webhooks.set_active(str(i.get("id")), i.get("active")).to_json()
        for i in inputs
        if isinstance(i, dict)
    ]
    return answer({"status": "COMPLETE", "results": results})


def build_router() -> APIRouter:
    """The vendor API routes (behind the portal's authentication gate)."""
    router = APIRouter()
    add_route(router, PREFIX + "/settings", get_settings, ["GET"])
    add_route(router, PREFIX + "/settings", put_settings, ["PUT"])
    add_route(router, PREFIX + "/settings", delete_settings, ["DELETE"])
    add_route(router, PREFIX + "/subscriptions", list_subscriptions, ["GET"])
    add_route(router, PREFIX + "/subscriptions", create_subscription, ["POST"])
    add_route(router, PREFIX + "/subscriptions/batch/update", batch_update, ["POST"])
    add_route(router, PREFIX + "/subscriptions/{sub_id}", get_subscription, ["GET"])
    add_route(router, PREFIX + "/subscriptions/{sub_id}", patch_subscription, ["PATCH"])
    add_route(router, PREFIX + "/subscriptions/{sub_id}", delete_subscription, ["DELETE"])
    return router


# -- admin --------------------------------------------------------------------------------------


def _admin(request: Request) -> WebhookHub:
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given, request.app.state.mock.admin_token):
        raise HubSpotError(401, f"admin API needs the {TOKEN_HEADER} header", "UNAUTHORIZED")
    return webhook_hub(request)


async def admin_status(request: Request) -> Response:
    hub = _admin(request)
    limit = whole(request.query_params.get("limit"), "limit", 100, 0, 1000)
    return answer(hub.status(limit))


async def admin_configure(request: Request) -> Response:
    hub = _admin(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("expected {targetUrl, subscriptions}")
    subs = body.get("subscriptions") or []
    if not isinstance(subs, list):
        raise validation("subscriptions must be a list")
    hub.webhooks.replace(body.get("targetUrl"), subs)
    return answer(hub.status(0))


async def admin_edit(request: Request) -> Response:
    """A user's edit: the API's validation, the store's write, events from `CRM_UI`."""
    hub = _admin(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
        raise validation("expected {objectType, id, properties}")
    state = hubspot(request)
    spec = object_spec(str(body.get("objectType", "")))
    rec = records.require(state, spec, str(body.get("id", "")), None)
    props = records.checked(state, spec, body["properties"])
    records.check_unique(state, spec, props, rec.id)
    written: list[Written] = []

    def observe(change: Change, names: tuple[str, ...]) -> None:
        written.append(capture(state.store, change, names))

    token = WRITE_OBSERVER.set(observe)
    try:
        records.update(state, spec, rec, props, USER_EDIT)
    finally:
        WRITE_OBSERVER.reset(token)
    ids = hub.publish(written, UI_SOURCE)
    return answer({"id": rec.id, "events": len(ids), "eventIds": ids})


async def admin_pump(request: Request) -> Response:
    hub = _admin(request)
    ignore = request.query_params.get("ignore_delays", "false").lower() == "true"
    return answer({"sent": hub.pump(ignore_delays=ignore), "pending": hub.pending()})


def build_admin_router() -> APIRouter:
    router = APIRouter()
    base = ADMIN_PREFIX + "/webhooks"
    add_route(router, base, admin_status, ["GET"])
    add_route(router, base, admin_configure, ["PUT"])
    add_route(router, base + "/edits", admin_edit, ["POST"])
    add_route(router, base + "/pump", admin_pump, ["POST"])
    return router


__all__ = ["build_admin_router", "build_router", "webhook_hub"]
