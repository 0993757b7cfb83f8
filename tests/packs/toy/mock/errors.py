"""Toy CRM error bodies: `{"error": {"code", "message"[, "field"]}}`, always.

Framework errors (an unknown route, a method not allowed, a query parameter FastAPI could
not read) are rendered in the same shape, so a client parses one shape only. The admin API
under `/__harness/` keeps FastAPI's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from mocks.admin import ADMIN_PREFIX


class ToyError(Exception):
    """An error answer; raise it in a route and the handler renders it."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.field)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def not_found(what: str = "resource") -> ToyError:
    return ToyError(404, "not_found", f"no such {what}")


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Every JSON answer of the toy API goes through here (orjson)."""
    return Response(orjson.dumps(data), status, dict(headers or {}), "application/json")


def error_response(err: ToyError) -> Response:
    return json_response(err.body(), err.status, err.headers)


def _admin(request: Request) -> bool:
    return request.url.path.startswith(ADMIN_PREFIX)


async def _toy_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ToyError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _admin(request):
        return await http_exception_handler(request, exc)
    if exc.status_code == 404:
        return error_response(not_found())
    if exc.status_code == 405:
        message = f"{request.method} is not allowed here"
        return error_response(ToyError(405, "method_not_allowed", message, headers=exc.headers))
    return error_response(ToyError(exc.status_code, "error", str(exc.detail)))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _admin(request):
        return await request_validation_exception_handler(request, exc)
    first = exc.errors()[0] if exc.errors() else {}
    field = str(first.get("loc", ("", ""))[-1]) or None
    return error_response(
        ToyError(422, "invalid_parameter", str(first.get("msg", "invalid request")), field)
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ToyError, _toy_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


async def read_json(request: Request) -> Any:
    """The request body as JSON, or 400 bad_request."""
    raw = await request.body()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ToyError(400, "bad_request", f"the body is not JSON: {exc}") from exc


__all__ = [
    "ToyError",
    "error_body",
    "error_response",
    "install_error_handlers",
    "json_response",
    "not_found",
    "read_json",
]
