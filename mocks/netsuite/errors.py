"""NetSuite's REST error body, the exception that carries it and the app's error handlers."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from mocks.admin import ADMIN_PREFIX

_RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html#section-"
# status -> (title, RFC section); 429 is defined by RFC 6585, not RFC 9110.
_STATUS: dict[int, tuple[str, str]] = {
    400: ("Bad Request", _RFC9110 + "15.5.1"),
    401: ("Unauthorized", _RFC9110 + "15.5.2"),
    403: ("Forbidden", _RFC9110 + "15.5.4"),
    404: ("Not Found", _RFC9110 + "15.5.5"),
    405: ("Method Not Allowed", _RFC9110 + "15.5.6"),
    406: ("Not Acceptable", _RFC9110 + "15.5.7"),
    415: ("Unsupported Media Type", _RFC9110 + "15.5.16"),
    429: ("Too Many Requests", "https://www.rfc-editor.org/rfc/rfc6585.html#section-4"),
    500: ("Internal Server Error", _RFC9110 + "15.6.1"),
}
LOGIN_AUDIT_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at"
    " Setup > Users/Roles > User Management > View Login Audit Trail."
)


class JsonResponse(Response):
    """`application/json` rendered with orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class NetSuiteError(Exception):
    """An error answered with NetSuite's `o:errorDetails` body."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        path: str | None = None,
        query_param: str | None = None,
        header: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.path = path
        self.query_param = query_param
        self.header = header

    def body(self) -> dict[str, Any]:
        item: dict[str, Any] = {"detail": self.detail, "o:errorCode": self.code}
        if self.path is not None:
            item["o:errorPath"] = self.path
        if self.query_param is not None:
            item["o:errorQueryParam"] = self.query_param
        if self.header is not None:
            item["o:errorHeader"] = self.header
        title, type_url = _STATUS.get(self.status, ("Error", _RFC9110 + "15"))
        return {"type": type_url, "title": title, "status": self.status, "o:errorDetails": [item]}

    def response(self) -> Response:
        return JsonResponse(self.body(), status_code=self.status)


def invalid_content(detail: str, path: str | None = None) -> NetSuiteError:
    return NetSuiteError(400, "INVALID_CONTENT", detail, path=path)


def invalid_parameter(detail: str, param: str | None = None) -> NetSuiteError:
    return NetSuiteError(400, "INVALID_PARAMETER", detail, query_param=param)


def nonexistent_id() -> NetSuiteError:
    return NetSuiteError(
        404,
        "NONEXISTENT_ID",
        "The record instance does not exist. Provide a valid record instance ID.",
    )


def unknown_record_type(record_type: str, known: list[str]) -> NetSuiteError:
    return NetSuiteError(
        404,
        "INVALID_RCRD_TYPE",
        f"Record type '{record_type}' does not exist. This mock serves: {', '.join(known)}.",
    )


def _is_admin(request: Request) -> bool:
    return request.url.path.startswith(ADMIN_PREFIX)


async def _netsuite_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NetSuiteError)
    return exc.response()


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(part) for part in first.get("loc", ())]
    where = loc[0] if loc else ""
    name = loc[-1] if len(loc) > 1 else None
    message = str(first.get("msg", "invalid request"))
    if where == "query":
        error = invalid_parameter(f"Invalid value for query parameter '{name}': {message}.", name)
    elif where == "header":
        error = NetSuiteError(
            400, "INVALID_HEADER", f"Invalid header '{name}': {message}.", header=name
        )
    else:
        error = invalid_content(f"Invalid request: {message}.")
    return error.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_admin(request):  # the cross-vendor admin API keeps FastAPI's own error shape
        return await http_exception_handler(request, exc)
    if exc.status_code == 404:
        error = NetSuiteError(
            404, "INVALID_URL", f"The requested URL {request.url.path} was not found."
        )
    elif exc.status_code == 405:
        error = NetSuiteError(
            405,
            "INVALID_METHOD",
            f"The HTTP method {request.method} is not supported for {request.url.path}.",
        )
    else:
        error = NetSuiteError(exc.status_code, "USER_ERROR", str(exc.detail))
    response = error.response()
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return NetSuiteError(
        500, "UNEXPECTED_ERROR", f"An unexpected error occurred: {type(exc).__name__}."
    ).response()


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error outside `/__harness/` with NetSuite's error body."""
    app.add_exception_handler(NetSuiteError, _netsuite_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
