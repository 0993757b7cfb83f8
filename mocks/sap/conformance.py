"""What the mock battery needs to judge the SAP system (`mocks.conformance.MockKit`).

Errors are SAP Gateway's `{"error": {"code", "message": {"lang", "value"}, "innererror"}}`.
A request without valid logon is 401 with `WWW-Authenticate: Basic realm="SAP NetWeaver
Application Server [...]"` and an HTML page (the ICF's, not Gateway's). The OAuth token
endpoint authenticates the client itself, so it counts as public."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.conformance import MockKit
from mocks.sap.limits import TOKEN_PATH

ROOT = "/sap/opu/odata/sap"


def is_error(status: int, headers: Mapping[str, str], body: Any) -> bool:
    if status < 400:
        return False
    if status == 401:
        return headers.get("www-authenticate", "").startswith('Basic realm="SAP NetWeaver')
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return False
    error = body["error"]
    message = error.get("message")
    return (
        isinstance(error.get("code"), str)
        and isinstance(message, dict)
        and isinstance(message.get("value"), str)
        and isinstance(error.get("innererror"), dict)
    )


def is_auth_refusal(status: int, headers: Mapping[str, str], body: Any) -> bool:
    return status == 401 and headers.get("www-authenticate", "").startswith(
        'Basic realm="SAP NetWeaver Application Server'
    )


KIT = MockKit(
    objects=("A_SalesOrder", "A_Customer", "A_BillingDocument"),
    public_paths=(TOKEN_PATH, TOKEN_PATH + "/"),
    is_auth_refusal=is_auth_refusal,
    is_error=is_error,
    path_params={"service": "API_BUSINESS_PARTNER", "resource": "A_BusinessPartner('10000000')"},
    not_found_paths=(
        f"{ROOT}/API_BUSINESS_PARTNER/A_NoSuchEntitySet",
        f"{ROOT}/API_BUSINESS_PARTNER/A_BusinessPartner('9999999999')",
        f"{ROOT}/API_BUSINESS_PARTNER/A_BusinessPartner('10000000')/to_NoSuchNavigation",
        f"{ROOT}/API_SALES_ORDER_SRV/A_SalesOrder('9999999999')",
        f"{ROOT}/API_NO_SUCH_SERVICE_SRV/A_Anything",
    ),
)

__all__ = ["KIT", "is_auth_refusal", "is_error"]
