"""Helpers the route modules share: slash-tolerant registration, JSON bodies and answers,
and the query parameters every read takes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot.errors import validation

Endpoint = Callable[[Request], Awaitable[Response]]


def add_route(router: APIRouter, path: str, endpoint: Endpoint, methods: Sequence[str]) -> None:
    """Register `path` with and without a trailing slash: no 307 redirects, ever."""
    for variant in (path, path + "/"):
        router.add_api_route(variant, endpoint, methods=list(methods), include_in_schema=False)


def answer(data: Any, status: int = 200) -> Response:
    """A JSON answer serialised once with orjson."""
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def no_content() -> Response:
    return Response(status_code=204)


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The request's JSON body; 400 in HubSpot's shape when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise validation("Invalid input JSON: the request body is empty")
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise validation(f"Invalid input JSON on line 1, column {exc.pos + 1}: {exc.msg}") from exc


def listed(request: Request, name: str) -> list[str]:
    """A repeated query parameter, comma lists split (`properties=a&properties=b,c`)."""
    return [
        v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()
    ]


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").strip().lower() == "true"


def whole(value: Any, name: str, default: int, low: int, high: int) -> int:
    """An integer parameter within [low, high]; 400 otherwise."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise validation(f"{name} must be an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise validation(f"{name} must be an integer, got {value!r}") from exc
    if not low <= number <= high:
        raise validation(f"{name} must be between {low} and {high}, got {number}")
    return number


__all__ = ["Endpoint", "add_route", "answer", "flag", "json_body", "listed", "no_content", "whole"]
