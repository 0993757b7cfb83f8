"""SAP Gateway's error answers: the JSON body (VENDORS.md 5.4) with `innererror`,
`errordetails` naming the property at fault, and the `sap-message` header.

Message codes follow SAP Gateway's message classes (`/IWBEP/CM_MGW_RT`, `/IWFND/CM_MGW`);
the texts are the mock's own wording of SAP's meaning."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from starlette.responses import Response

SAP_REALM = 'Basic realm="SAP NetWeaver Application Server [S4H/100]"'
CSRF_FAILED = "CSRF token validation failed"

# What each kind of refusal is called in SAP Gateway's message classes.
CODES = {
    "not_found": "/IWBEP/CM_MGW_RT/020",
    "no_service": "/IWFND/MED/170",
    "bad_request": "/IWBEP/CM_MGW_RT/004",
    "filter": "/IWBEP/CM_MGW_RT/022",
    "too_long": "/IWBEP/CM_MGW_RT/021",
    "required": "/IWBEP/CM_MGW_RT/011",
    "type": "/IWBEP/CM_MGW_RT/016",
    "method": "/IWBEP/CM_MGW_RT/003",
    "precondition": "/IWBEP/CM_MGW_RT/025",
    "precondition_required": "/IWBEP/CM_MGW_RT/026",
    "conflict": "/IWBEP/CM_MGW_RT/032",
    "batch_csrf": "/IWFND/CM_MGW/098",
    "client": "/IWFND/CM_MGW/004",
    "business": "/IWBEP/CX_MGW_BUSI_EXCEPTION",
}


@dataclass(frozen=True)
class Detail:
    """One `errordetails` entry; `target` names the property at fault."""

    code: str
    message: str
    target: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "propertyref": self.target,
            "severity": "error",
            "target": self.target,
            "transition": False,
        }


@dataclass
class SapError(Exception):
    """An answer in SAP's error shape; raised anywhere below the routes."""

    status: int
    code: str
    message: str
    details: list[Detail] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def body(self, service: str = "", at: datetime | None = None) -> dict[str, Any]:
        stamp = (at.strftime("%Y%m%d%H%M%S.%f") + "0") if at else "20240101000000.0000000"
        details = self.details or [Detail(self.code, self.message)]
        return {
            "error": {
                "code": self.code,
                "message": {"lang": "en", "value": self.message},
                "innererror": {
                    "application": {
                        "component_id": "",
                        "service_namespace": "/SAP/",
                        "service_id": service,
                        "service_version": "0001",
                    },
                    "transactionid": secrets.token_hex(16).upper(),
                    "timestamp": stamp,
                    "Error_Resolution": {
                        "SAP_Transaction": "For backend administrators: use ADT feed reader"
                        " 'SAP Gateway Error Log' or run transaction /IWFND/ERROR_LOG",
                        "SAP_Note": "See SAP Note 1797736 for error analysis",
                    },
                    "errordetails": [d.to_json() for d in details],
                },
            }
        }

    def sap_message(self) -> str:
        """The `sap-message` header SAP sends beside the body."""
        first = self.details[0] if self.details else Detail(self.code, self.message)
        return orjson.dumps(
            {
                "code": self.code,
                "message": self.message,
                "severity": "error",
                "target": first.target,
                "details": [],
            }
        ).decode()

    def response(self, service: str = "", at: datetime | None = None) -> Response:
        headers = {"sap-message": self.sap_message(), **self.headers}
        return Response(
            orjson.dumps(self.body(service, at)),
            self.status,
            headers,
            media_type="application/json",
        )


def not_found(segment: str) -> SapError:
    return SapError(404, CODES["not_found"], f"Resource not found for segment '{segment}'")


def bad_request(message: str, kind: str = "bad_request", target: str = "") -> SapError:
    return SapError(400, CODES[kind], message, [Detail(CODES[kind], message, target)])


def method_not_allowed(method: str, what: str, allow: str = "GET, HEAD") -> SapError:
    return SapError(
        405,
        CODES["method"],
        f"Method '{method}' not allowed for '{what}'",
        headers={"allow": allow},
    )


def warning_message(code: str, message: str, target: str = "") -> str:
    """The `sap-message` header of a write SAP applied with a warning (severity `warning`):
    the answer is a success, and only this header says something deserves a look."""
    return orjson.dumps(
        {"code": code, "message": message, "severity": "warning", "target": target,
         "transition": False, "details": []}
    ).decode()  # fmt: skip


def unauthorized() -> Response:
    """SAP's ICF logon refusal: 401 with its Basic realm and a short HTML page."""
    html = "<html><head><title>Logon Error Message</title></head><body>Logon failed</body></html>"
    return Response(html, 401, {"www-authenticate": SAP_REALM}, media_type="text/html")


def csrf_required() -> Response:
    return Response(CSRF_FAILED, 403, {"x-csrf-token": "Required"}, media_type="text/plain")


__all__ = [
    "CODES",
    "CSRF_FAILED",
    "SAP_REALM",
    "Detail",
    "SapError",
    "bad_request",
    "csrf_required",
    "method_not_allowed",
    "not_found",
    "unauthorized",
    "warning_message",
]
