"""HubSpot's error body, the exception carrying it and the app's error handlers.

Every refusal has `status: "error"`, a `message`, a `correlationId` (a fresh UUID) and a
`category`; validation refusals add `errors[]` of `{message, code, in?, context?}` naming
each bad property, as a client parsing them expects.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from mocks.admin import ADMIN_PREFIX

CATEGORIES: dict[int, tuple[str, str]] = {
    400: ("VALIDATION_ERROR", "Invalid input."),
    401: ("INVALID_AUTHENTICATION", "Authentication credentials not found."),
    403: ("MISSING_SCOPES", "This app hasn't been granted all required scopes."),
    404: ("OBJECT_NOT_FOUND", "Resource not found"),
    405: ("VALIDATION_ERROR", "Method not allowed"),
    409: ("CONFLICT", "The request conflicts with the current state of the object."),
    415: ("VALIDATION_ERROR", "Unsupported media type"),
    429: ("RATE_LIMITS", "You have reached your ten secondly rolling limit."),
    500: ("INTERNAL_ERROR", "internal error"),
    502: ("BAD_GATEWAY", "Bad gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
    504: ("GATEWAY_TIMEOUT", "The request timed out"),
}


def correlation_id() -> str:
    return str(uuid.uuid4())


def error_body(
    status: int,
    message: str | None = None,
    category: str | None = None,
    *,
    sub_category: str | None = None,
    context: dict[str, list[str]] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The body of one refusal; category and message default per status."""
    default_category, default_message = CATEGORIES.get(status, ("ERROR", f"HTTP {status}"))
    body: dict[str, Any] = {
        "status": "error",
        "message": message or default_message,
        "correlationId": correlation_id(),
        "category": category or default_category,
    }
    if sub_category:
        body["subCategory"] = sub_category
    if context:
        body["context"] = context
    if errors:
        body["errors"] = errors
    return body


class JsonResponse(Response):
    """`application/json` rendered with orjson (pages are pre-serialised this way)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else orjson.dumps(content)


class HubSpotError(Exception):
    """A refusal answered with HubSpot's error body."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        category: str | None = None,
        *,
        sub_category: str | None = None,
        context: dict[str, list[str]] | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {category}: {message}")
        self.status = status
        self.body = error_body(
            status, message, category, sub_category=sub_category, context=context, errors=errors
        )
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        return JsonResponse(self.body, status_code=self.status, headers=self.headers)


def not_found(object_type: str, object_id: str) -> HubSpotError:
    return HubSpotError(
        404,
        "Object not found.  objectId are usually numeric.",
        "OBJECT_NOT_FOUND",
        context={"id": [object_id], "objectType": [object_type]},
    )


def validation(message: str, **kw: Any) -> HubSpotError:
    return HubSpotError(400, message, "VALIDATION_ERROR", **kw)


def install_error_handlers(app: FastAPI) -> None:
    """Answer HubSpotError, FastAPI's body validation and unrouted paths in HubSpot's shape
    (the admin API keeps FastAPI's own shape)."""

    async def hubspot_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubSpotError)
        return exc.response()

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if request.url.path.startswith(ADMIN_PREFIX):
            return JsonResponse({"detail": exc.errors()}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"Invalid input JSON on line 1: {first.get('msg', 'bad input')} at {where}"
        return validation(message).response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith(ADMIN_PREFIX):
            return JsonResponse(
                {"detail": exc.detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return HubSpotError(exc.status_code).response()

    async def crash(request: Request, exc: Exception) -> Response:
        # Still re-raised by Starlette after answering, so tests and logs see the bug.
        return HubSpotError(500, "internal error", "INTERNAL_ERROR").response()

    app.add_exception_handler(HubSpotError, hubspot_error)
    app.add_exception_handler(Exception, crash)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(StarletteHTTPException, http_error)


__all__ = [
    "CATEGORIES",
    "HubSpotError",
    "JsonResponse",
    "correlation_id",
    "error_body",
    "install_error_handlers",
    "not_found",
    "validation",
]
