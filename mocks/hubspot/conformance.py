"""What the mock battery needs to judge the HubSpot portal (`mocks.conformance.MockKit`).

Errors are `{"status": "error", "message", "correlationId", "category", ...}`; rate-limit
refusals carry `errorType` and `policyName` instead of a category; OAuth token errors carry
their own status word. A request without a good Bearer token is 401 INVALID_AUTHENTICATION
(or EXPIRED_AUTHENTICATION for an expired OAuth token). Only the OAuth token endpoint answers
without a token. Sample path values name records a seeded world holds (the first company,
contact and deal the seeder numbers), so a request slipping past the gate would reach data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.conformance import MockKit
from mocks.hubspot.auth import PUBLIC_PATHS
from mocks.hubspot.ids import make_id


def is_error(status: int, headers: Mapping[str, str], body: Any) -> bool:
    if status < 400 or not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return False
    if body.get("status") == "error":
        return isinstance(body.get("category") or body.get("errorType"), str) and isinstance(
            body.get("correlationId"), str
        )
    return isinstance(body.get("status"), str)  # OAuth: {"status": "BAD_REFRESH_TOKEN", ...}


def is_auth_refusal(status: int, headers: Mapping[str, str], body: Any) -> bool:
    return (
        status == 401
        and is_error(status, headers, body)
        and body.get("category") in ("INVALID_AUTHENTICATION", "EXPIRED_AUTHENTICATION")
    )


KIT = MockKit(
    objects=("companies", "contacts", "deals"),
    public_paths=tuple(sorted(PUBLIC_PATHS)),
    is_auth_refusal=is_auth_refusal,
    is_error=is_error,
    path_params={
        "object_type": "companies",
        "object_id": make_id("companies", 1),
        "to_type": "contacts",
        "to_id": make_id("contacts", 1),
        "from_type": "companies",
        "property_name": "name",
    },
    not_found_paths=(
        "/crm/v3/objects/companies/1",
        f"/crm/v3/objects/contacts/{make_id('contacts', 999_999)}",
        "/crm/v3/properties/companies/no_such_property",
        "/crm/v3/no-such-resource",
        "/no-such-api",
    ),
)

__all__ = ["KIT", "is_auth_refusal", "is_error"]
