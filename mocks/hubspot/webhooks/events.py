"""Webhook events from the store's change feed: what each write made through the vendor API
(or a user's edit, `POST /__harness/webhooks/edits`) tells the app's subscriptions.

`WebhookTap` is the ASGI middleware that watches each vendor request's store changes (it
chains onto `mocks.store.WRITE_OBSERVER`, so the request journal still sees them) and hands
them to the hub once the answer is sent. The admin API's seeding and back-end edits write
without it, so they send nothing, as a data import a test stages should not.

Per change, in HubSpot's payload shape (`eventId`, `subscriptionId`, `portalId`, `appId`,
`occurredAt`, `subscriptionType`, `attemptNumber`, `objectId`, ...):

- create: `<object>.creation` (`changeFlag: CREATED`), plus one `<object>.propertyChange`
  per subscribed property the create set;
- update: one `<object>.propertyChange` per subscribed property written (a write of the
  value already held still counts: the store does not keep the old value, a mock choice);
- delete: `<object>.deletion` (`changeFlag: DELETED`); undelete: `<object>.restore`;
- an association row added or removed: `<from>.associationChange` with `associationType`
  (`CONTACT_TO_COMPANY`), `fromObjectId`, `toObjectId`, `associationRemoved` and
  `isPrimaryAssociation`, one per direction, as HubSpot sends them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.admin import ADMIN_PREFIX
from mocks.hubspot.associations import STORE_OBJECT, TYPES
from mocks.hubspot.webhooks.model import OBJECT_NAMES, WebhookConfig
from mocks.store import WRITE_OBSERVER, Change, RecordStore

API_SOURCE = "INTEGRATION"  # a write through the API (HubSpot names the app in `sourceId`)
UI_SOURCE = "CRM_UI"  # a user's edit in HubSpot's own screens


@dataclass(frozen=True)
class Written:
    """One store change and what it wrote, captured while the request ran."""

    change: Change
    names: tuple[str, ...]
    values: dict[str, Any]  # the written fields' values right after the write


def capture(store: RecordStore, change: Change, names: tuple[str, ...]) -> Written:
    rec = store.get(change.obj, change.id, include_deleted=True)
    values = {n: rec.fields.get(n) for n in names} if rec is not None else {}
    return Written(change, names, values)


def _text(value: Any) -> str:
    """A property value as HubSpot sends it: always a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _object_id(raw: str) -> int | str:
    return int(raw) if raw.isdigit() else raw


def events_for(
    written: Written, config: WebhookConfig, base: dict[str, Any]
) -> list[dict[str, Any]]:
    """The events one change sends to the active subscriptions (without `eventId`)."""
    change = written.change
    if change.obj == STORE_OBJECT:
        return _association_events(written, config, base)
    name = OBJECT_NAMES.get(change.obj)
    if name is None:
        return []
    common = {**base, "occurredAt": int(change.at.timestamp() * 1000)}
    common["objectId"] = _object_id(change.id)
    found: list[dict[str, Any]] = []
    single = {
        "create": ("creation", "CREATED"),
        "delete": ("deletion", "DELETED"),
        "purge": ("deletion", "DELETED"),
        "undelete": ("restore", "RESTORED"),
    }
    if change.kind in single:
        action, flag = single[change.kind]
        for sub in config.matching(f"{name}.{action}"):
            found.append(
                {
                    **common,
                    "subscriptionId": sub.id,
                    "subscriptionType": sub.event_type,
                    "changeFlag": flag,
                }
            )
    if change.kind in ("create", "update"):
        for prop in written.names:
            if change.kind == "create" and written.values.get(prop) in (None, ""):
                continue
            for sub in config.matching(f"{name}.propertyChange", prop):
                found.append(
                    {
                        **common,
                        "subscriptionId": sub.id,
                        "subscriptionType": sub.event_type,
                        "propertyName": prop,
                        "propertyValue": _text(written.values.get(prop)),
                    }
                )
    return found


def _association_events(
    written: Written, config: WebhookConfig, base: dict[str, Any]
) -> list[dict[str, Any]]:
    """A row `<from>:<fromId>:<to>:<toId>` added (create) or removed (purge)."""
    change = written.change
    if change.kind not in ("create", "purge"):
        return []
    parts = change.id.split(":")
    if len(parts) != 4 or parts[0] not in OBJECT_NAMES or parts[2] not in OBJECT_NAMES:
        return []
    source, sid, target, tid = parts
    types = written.values.get("types") or []  # a removed row's types are gone: not primary
    primary = any(TYPES[t].primary for t in types if t in TYPES)
    kind = f"{OBJECT_NAMES[source]}_TO_{OBJECT_NAMES[target]}".upper()
    return [
        {
            **base,
            "occurredAt": int(change.at.timestamp() * 1000),
            "subscriptionId": sub.id,
            "subscriptionType": sub.event_type,
            "associationType": kind,
            "fromObjectId": _object_id(sid),
            "toObjectId": _object_id(tid),
            "associationRemoved": change.kind == "purge",
            "isPrimaryAssociation": primary,
        }
        for sub in config.matching(f"{OBJECT_NAMES[source]}.associationChange")
    ]


Sink = Callable[[list[Written], str], object]  # (changes of one request, changeSource)


class WebhookTap:
    """Pure ASGI middleware: collects the store changes of each vendor request and hands
    them to `sink` after the answer, so a delivery never races the client's own answer."""

    def __init__(self, app: ASGIApp, store: RecordStore, sink: Sink) -> None:
        self.app = app
        self.store = store
        self.sink = sink

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        written: list[Written] = []
        outer = WRITE_OBSERVER.get()  # the journal's: it must keep seeing every write

        def observe(change: Change, names: tuple[str, ...]) -> None:
            written.append(capture(self.store, change, names))
            if outer is not None:
                outer(change, names)

        token = WRITE_OBSERVER.set(observe)
        try:
            await self.app(scope, receive, send)
        finally:
            WRITE_OBSERVER.reset(token)
            if written:
                self.sink(written, API_SOURCE)


__all__ = ["API_SOURCE", "UI_SOURCE", "WebhookTap", "Written", "capture", "events_for"]
