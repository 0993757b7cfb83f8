"""What the mock battery needs to judge the NetSuite account (`mocks.conformance.MockKit`).

Errors are `{"type", "title", "status", "o:errorDetails": [{"detail", "o:errorCode"}]}`; a
request without a valid token-based-auth signature is 401 INVALID_LOGIN. Every route
needs credentials. Sample path values name records a seeded world holds (customer 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.conformance import MockKit
from mocks.netsuite.render import RECORD_PATH


def is_error(status: int, headers: Mapping[str, str], body: Any) -> bool:
    if status < 400 or not isinstance(body, dict) or body.get("status") != status:
        return False
    details = body.get("o:errorDetails")
    return (
        isinstance(body.get("type"), str)
        and isinstance(body.get("title"), str)
        and isinstance(details, list)
        and bool(details)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("o:errorCode"), str)
            and isinstance(item.get("detail"), str)
            for item in details
        )
    )


def is_auth_refusal(status: int, headers: Mapping[str, str], body: Any) -> bool:
    return (
        status == 401
        and is_error(status, headers, body)
        and any(item["o:errorCode"] == "INVALID_LOGIN" for item in body["o:errorDetails"])
    )


KIT = MockKit(
    objects=("customer", "contact", "salesOrder"),
    public_paths=(),
    is_auth_refusal=is_auth_refusal,
    is_error=is_error,
    path_params={"record_type": "customer", "key": "1", "sublist": "addressBook"},
    not_found_paths=(
        f"{RECORD_PATH}/noSuchRecordType",
        f"{RECORD_PATH}/customer/999999",
        f"{RECORD_PATH}/customer/eid:NO-SUCH-EXTERNAL-ID",
        f"{RECORD_PATH}/customer/1/noSuchSublist",
        f"{RECORD_PATH}/metadata-catalog/noSuchRecordType",
        "/services/rest/record/v2/customer",
    ),
)

__all__ = ["KIT", "is_auth_refusal", "is_error"]
