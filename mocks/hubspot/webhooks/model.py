"""What an app's webhooks are configured with: its target URL and its subscriptions, in the
shapes of HubSpot's webhooks API v3 (`SettingsResponse`, `SubscriptionResponse`).

A subscription is an event type (`company.creation`, `contact.propertyChange`, ...), with a
property name for property changes, and an `active` flag: HubSpot only sends what an active
subscription asks for. The sandbox delivers to loopback only, so a target elsewhere is
refused (a choice of the mock: HubSpot asks for a public HTTPS URL instead).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mocks.hubspot.errors import HubSpotError, validation

# Store object -> HubSpot's singular name in event types.
OBJECT_NAMES = {
    "companies": "company",
    "contacts": "contact",
    "deals": "deal",
    "products": "product",
    "line_items": "line_item",
}
ACTIONS = ("creation", "deletion", "propertyChange", "associationChange", "restore", "merge")
# `contact.privacyDeletion` is accepted as HubSpot accepts it, and never sent (no GDPR delete).
EVENT_TYPES = frozenset(f"{o}.{a}" for o in OBJECT_NAMES.values() for a in ACTIONS) | {
    "contact.privacyDeletion"
}
LOOPBACK_HOSTS = frozenset({"localhost", "::1"})


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


@dataclass
class Subscription:
    id: int
    event_type: str
    property_name: str | None
    active: bool
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "eventType": self.event_type,
            "active": self.active,
            "createdAt": _stamp(self.created_at),
            "updatedAt": _stamp(self.updated_at),
        }
        if self.property_name:
            body["propertyName"] = self.property_name
        return body

    def wants(self, event_type: str, property_name: str | None) -> bool:
        if not self.active or self.event_type != event_type:
            return False
        return self.property_name is None or self.property_name == property_name


def check_target(url: Any) -> str:
    """A target URL the sandbox will call: http(s) on a loopback host."""
    if not isinstance(url, str) or not url.strip():
        raise validation("targetUrl is required")
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise validation(f"targetUrl must be an http(s) URL, got {url!r}")
    if not (host.startswith("127.") or host in LOOPBACK_HOSTS):
        raise validation(f"this sandbox only delivers webhooks to loopback, not {host!r}")
    return url.strip()


@dataclass
class WebhookConfig:
    """One app's settings and subscriptions; thread-safe (routes and the sender share it)."""

    target_url: str | None = None
    max_concurrent: int = 10
    settings_created: datetime | None = None
    settings_updated: datetime | None = None
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    _next_id: int = 1_000_001
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def settings_json(self) -> dict[str, Any]:
        if self.target_url is None or self.settings_created is None:
            raise HubSpotError(404, "No webhook settings for this app", "NOT_FOUND")
        return {
            "targetUrl": self.target_url,
            "throttling": {"maxConcurrentRequests": self.max_concurrent, "period": "SECONDLY"},
            "createdAt": _stamp(self.settings_created),
            "updatedAt": _stamp(self.settings_updated or self.settings_created),
        }

    def put_settings(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise validation("the settings must be a JSON object")
        target = check_target(body.get("targetUrl"))
        throttling = body.get("throttling") or {}
        concurrent = throttling.get("maxConcurrentRequests", 10)
        if not isinstance(concurrent, int) or isinstance(concurrent, bool) or concurrent < 5:
            raise validation("throttling.maxConcurrentRequests must be an integer of at least 5")
        now = datetime.now(UTC)
        with self._lock:
            self.target_url, self.max_concurrent = target, concurrent
            self.settings_created = self.settings_created or now
            self.settings_updated = now
        return self.settings_json()

    def clear_settings(self) -> None:
        with self._lock:
            self.target_url = self.settings_created = self.settings_updated = None

    def subscribe(self, body: Any) -> Subscription:
        event_type, prop, active = _subscription_fields(body)
        now = datetime.now(UTC)
        with self._lock:
            for sub in self.subscriptions.values():
                if sub.event_type == event_type and sub.property_name == prop:
                    raise HubSpotError(409, f"A subscription for {event_type} exists", "CONFLICT")
            sub = Subscription(self._next_id, event_type, prop, active, now, now)
            self.subscriptions[sub.id] = sub
            self._next_id += 1
        return sub

    def get(self, sub_id: str) -> Subscription:
        sub = self.subscriptions.get(int(sub_id)) if sub_id.isdigit() else None
        if sub is None:
            raise HubSpotError(404, f"No subscription with id {sub_id}", "NOT_FOUND")
        return sub

    def set_active(self, sub_id: str, active: Any) -> Subscription:
        if not isinstance(active, bool):
            raise validation("active must be true or false")
        sub = self.get(sub_id)
        with self._lock:
            sub.active, sub.updated_at = active, datetime.now(UTC)
        return sub

    def unsubscribe(self, sub_id: str) -> None:
        with self._lock:
            self.subscriptions.pop(self.get(sub_id).id, None)

    def matching(self, event_type: str, property_name: str | None = None) -> list[Subscription]:
        with self._lock:
            return [s for s in self.subscriptions.values() if s.wants(event_type, property_name)]

    def replace(self, target: str | None, subscriptions: list[Any]) -> None:
        """The admin API's whole configuration at once (the old subscriptions dropped)."""
        with self._lock:
            self.subscriptions.clear()
        for item in subscriptions:
            self.subscribe({"eventType": item} if isinstance(item, str) else item)
        if target is None:
            self.clear_settings()
        else:
            self.put_settings({"targetUrl": target})


def _subscription_fields(body: Any) -> tuple[str, str | None, bool]:
    if not isinstance(body, dict):
        raise validation("a subscription must be a JSON object")
    event_type = body.get("eventType")
    if event_type not in EVENT_TYPES:
        raise validation(f"Unknown eventType {event_type!r}", sub_category="INVALID_EVENT_TYPE")
    prop = body.get("propertyName") or None
    if event_type.endswith(".propertyChange") and not isinstance(prop, str):
        raise validation(f"{event_type} needs a propertyName")
    if prop is not None and not event_type.endswith(".propertyChange"):
        raise validation(f"{event_type} takes no propertyName")
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise validation("active must be true or false")
    return str(event_type), prop, active


__all__ = ["EVENT_TYPES", "OBJECT_NAMES", "Subscription", "WebhookConfig", "check_target"]
