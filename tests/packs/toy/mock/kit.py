"""What the mock battery needs to judge the Toy CRM sandbox (`mocks.conformance.MockKit`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.conformance import MockKit


def is_error(status: int, headers: Mapping[str, str], body: Any) -> bool:
    """`{"error": {"code": str, "message": str[, "field"]}}`."""
    error = body.get("error") if isinstance(body, dict) else None
    return (
        status >= 400
        and isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    )


def is_auth_refusal(status: int, headers: Mapping[str, str], body: Any) -> bool:
    return (
        status == 401
        and is_error(status, headers, body)
        and body["error"]["code"]
        in (
            "unauthorized",
            "invalid_client",
        )
    )


KIT = MockKit(
    objects=("clients",),
    public_paths=("/oauth/token",),
    is_auth_refusal=is_auth_refusal,
    is_error=is_error,
    path_params={"client_id": "c_000001", "ref": "CO-000001", "obj": "clients"},
    not_found_paths=("/api/v1/clients/c_999999", "/api/v1/schema/invoices", "/api/v2/clients"),
)

__all__ = ["KIT", "is_auth_refusal", "is_error"]
