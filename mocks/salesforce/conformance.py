"""What the mock battery needs to judge the Salesforce org (`mocks.conformance.MockKit`).

Errors under `/services` are a JSON array of `{"message", "errorCode", "fields"}`; a request
without a valid session is 401 INVALID_SESSION_ID. The versions root, the OAuth endpoint and
the SOAP login answer without a token. Sample path values name records a seeded world holds
(the first Account the seeder makes), so a request slipping past the gate would reach real
data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.conformance import MockKit
from mocks.salesforce.auth import TOKEN_PATH
from mocks.salesforce.ids import make_id
from mocks.salesforce.routes.soap_login import LOGIN_PATH as SOAP_LOGIN_PATH
from mocks.salesforce.state import DATA_ROOT

_VERSION = "59.0"
_DATA = f"{DATA_ROOT}/v{_VERSION}"


def is_error(status: int, headers: Mapping[str, str], body: Any) -> bool:
    """`[{"message": str, "errorCode": str, "fields": [...]}, ...]` on a 4xx or 5xx; Bulk
    API 1.0 (`/services/async/`) answers `{"exceptionCode": str, "exceptionMessage": str}`."""
    if status >= 400 and isinstance(body, dict):
        return isinstance(body.get("exceptionCode"), str) and isinstance(
            body.get("exceptionMessage"), str
        )
    return (
        status >= 400
        and isinstance(body, list)
        and bool(body)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("errorCode"), str)
            and isinstance(item.get("message"), str)
            and isinstance(item.get("fields", []), list)
            for item in body
        )
    )


def is_auth_refusal(status: int, headers: Mapping[str, str], body: Any) -> bool:
    return (
        status == 401
        and is_error(status, headers, body)
        and any(item["errorCode"] == "INVALID_SESSION_ID" for item in body)
    )


KIT = MockKit(
    objects=("Account", "Contact", "Order"),
    public_paths=(
        *(DATA_ROOT, f"{DATA_ROOT}/", TOKEN_PATH, f"{TOKEN_PATH}/"),
        *(SOAP_LOGIN_PATH, f"{SOAP_LOGIN_PATH}/"),
    ),
    is_auth_refusal=is_auth_refusal,
    is_error=is_error,
    path_params={
        "version": _VERSION,
        "sobject": "Account",
        "record_id": make_id("001", 1),
        "field": "External_Id__c",
        "value": "BATTERY-1",
        "locator": f"{make_id('01g', 1)}-200",
    },
    not_found_paths=(
        f"{_DATA}/sobjects/NoSuchThing__c",
        f"{_DATA}/sobjects/NoSuchThing__c/describe",
        f"{_DATA}/sobjects/Account/{make_id('001', 999_999)}",
        f"{_DATA}/no-such-resource",
        f"{DATA_ROOT}/v99.0/sobjects",
    ),
)

__all__ = ["KIT", "is_auth_refusal", "is_error"]
