"""The HubSpot CRM v3 sandbox: private-app and OAuth tokens, objects, batches, search,
associations, properties and rate limits as hubspot-api-client meets them in a real portal."""

from __future__ import annotations

from mocks.hubspot.descriptor import PACK

__all__ = ["PACK"]
