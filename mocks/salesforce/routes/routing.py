"""Helpers shared by the route modules: slash-tolerant registration and lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import APIRouter, Request
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import Response

from mocks.salesforce.errors import ApiError, not_found
from mocks.salesforce.schema import SObjectDef, get_sobject
from mocks.salesforce.state import VERSION_PATTERN
from mocks.salesforce.values import RecordError

Endpoint = Callable[[Request], Awaitable[Response]]


class ApiVersionConvertor(Convertor[str]):
    """A `{version}` path parameter matches a well-formed version (`59.0`) only, so a route
    never answers for `v59` or `v59.0x` even if the gate in `limits` let one through."""

    regex = VERSION_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sf_api_version", ApiVersionConvertor())
DATA_PREFIX = "/services/data/v{version:sf_api_version}"


def add_route(router: APIRouter, path: str, endpoint: Endpoint, methods: Sequence[str]) -> None:
    """Register `path` with and without a trailing slash: no 307 redirects, ever."""
    for variant in (path, path + "/"):
        router.add_api_route(variant, endpoint, methods=list(methods), include_in_schema=False)


def sobject_or_404(request: Request) -> SObjectDef:
    sobject = get_sobject(str(request.path_params["sobject"]))
    if sobject is None:
        raise not_found()
    return sobject


def single_record_error(err: RecordError) -> ApiError:
    """A record failure as a single-record call reports it (wrong JSON types are parser
    errors there, as Salesforce deserializes the body before it saves)."""
    errors = [
        {
            "message": p.parser_message or p.message,
            "errorCode": "JSON_PARSER_ERROR" if p.parser_message else p.code,
            "fields": list(p.fields),
        }
        for p in err.problems
    ]
    return ApiError.many(err.status, errors)
