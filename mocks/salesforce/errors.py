"""Salesforce error bodies: a JSON array of `{"message", "errorCode", "fields"}`, always.

simple-salesforce reads `response.json()[0]["errorCode"]` on a 401, so even framework errors
(an unknown route, a method not allowed, a request FastAPI could not validate) must come back
as an array under `/services`. The admin API keeps FastAPI's own error shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

NOT_FOUND_MESSAGE = "The requested resource does not exist"
_SERVICES = "/services/"


class ApiError(Exception):
    """An error reply: raise it anywhere under `/services` and the handler renders it."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        fields: Sequence[str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.errors: list[dict[str, Any]] = [
            {"message": message, "errorCode": error_code, "fields": list(fields or [])}
        ]
        self.headers = dict(headers or {})

    @classmethod
    def many(cls, status: int, errors: list[dict[str, Any]]) -> ApiError:
        """One reply carrying several errors (already in wire shape)."""
        err = cls(status, errors[0]["errorCode"], errors[0]["message"])
        err.errors = errors
        return err


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Serialize with orjson; every Salesforce JSON reply goes through here."""
    return Response(orjson.dumps(data), status, dict(headers or {}), "application/json")


def error_response(err: ApiError) -> Response:
    return json_response(err.errors, err.status, err.headers)


def _under_services(request: Request) -> bool:
    return request.url.path.startswith(_SERVICES)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not _under_services(request):
        return await http_exception_handler(request, exc)
    if exc.status_code == 404:
        return error_response(not_found())
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}"
        return error_response(ApiError(405, "METHOD_NOT_ALLOWED", message, headers=exc.headers))
    return error_response(ApiError(exc.status_code, "UNKNOWN_EXCEPTION", str(exc.detail)))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not _under_services(request):
        return await request_validation_exception_handler(request, exc)
    errors = exc.errors()
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors
    )
    in_body = any(e.get("loc", ("",))[0] == "body" for e in errors)
    code = "JSON_PARSER_ERROR" if in_body else "MALFORMED_QUERY"
    return error_response(ApiError(400, code, problems))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


async def read_json(request: Request) -> Any:
    """The request body as JSON, or 400 JSON_PARSER_ERROR like Salesforce's Jackson parser."""
    body = await request.body()
    if not body.strip():
        raise ApiError(400, "JSON_PARSER_ERROR", "No content to map due to end-of-input")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from exc


async def read_object(request: Request, type_name: str) -> dict[str, Any]:
    """A JSON object body (one record); an array or scalar is a parser error."""
    data = await read_json(request)
    if not isinstance(data, dict):
        token = "START_ARRAY" if isinstance(data, list) else "VALUE"
        raise ApiError(
            400,
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of {type_name} from {token} value",
        )
    return data
