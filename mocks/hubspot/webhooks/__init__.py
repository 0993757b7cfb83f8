"""HubSpot webhooks, pushed as HubSpot pushes them: subscriptions and settings through the
webhooks API v3 (or the admin API), events from every write made through the vendor API
(`events`), delivered in signed batches with HubSpot's retries by a bounded sender thread
that lives and stops with the app (`delivery`). `signing.verify_v3` is the receiver's check.

Wired into the portal by `mocks.hubspot.app.create_app`; see docs/hubspot-mock.md."""

from __future__ import annotations

from mocks.hubspot.webhooks.delivery import BATCH_MAX, RETRY_DELAYS, WebhookHub
from mocks.hubspot.webhooks.events import API_SOURCE, UI_SOURCE, WebhookTap
from mocks.hubspot.webhooks.model import EVENT_TYPES, WebhookConfig
from mocks.hubspot.webhooks.signing import sign_v3, signed_headers, verify_v3

__all__ = [
    "API_SOURCE",
    "BATCH_MAX",
    "EVENT_TYPES",
    "RETRY_DELAYS",
    "UI_SOURCE",
    "WebhookConfig",
    "WebhookHub",
    "WebhookTap",
    "sign_v3",
    "signed_headers",
    "verify_v3",
]
