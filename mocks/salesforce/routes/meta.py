"""Discovery routes: the versions root, the resource list, `limits/` and describes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.errors import json_response
from mocks.salesforce.org_limits import org_limits
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route, sobject_or_404
from mocks.salesforce.schema.describe import describe_global, describe_sobject, sobject_summary
from mocks.salesforce.state import api_version, mock_context, sf_state

_SEASONS = ("Winter", "Spring", "Summer")


def release_label(version: str) -> str:
    """`59.0` -> `Winter '24`: three releases a year, Winter first, named for the next year."""
    step = int(float(version)) - 59
    return f"{_SEASONS[step % 3]} '{24 + step // 3:02d}"


async def versions_root(request: Request) -> Response:
    versions = sf_state(request).versions
    return json_response(
        [{"label": release_label(v), "url": f"/services/data/v{v}", "version": v} for v in versions]
    )


async def resources(request: Request) -> Response:
    base = f"/services/data/v{api_version(request)}"
    names = ("sobjects", "query", "queryAll", "composite", "limits", "search",
             "parameterizedSearch", "jobs")  # fmt: skip
    return json_response({name: f"{base}/{name}" for name in names})


async def limits(request: Request) -> Response:
    ctx = mock_context(request)
    limit = int(ctx.settings["daily_api_limit"])
    used = int(ctx.settings["api_requests_used"])  # this call included: the gate counted it
    records = sum(ctx.store.count(name) for name in ctx.store.objects())
    return json_response(org_limits(limit, used, records))


async def global_describe(request: Request) -> Response:
    max_batch = int(mock_context(request).settings["max_batch_size"])
    return json_response(describe_global(api_version(request), max_batch))


async def sobject_metadata(request: Request) -> Response:
    sobject = sobject_or_404(request)
    summary = sobject_summary(sobject, api_version(request))
    return json_response({"objectDescribe": summary, "recentItems": []})


async def sobject_describe(request: Request) -> Response:
    sobject = sobject_or_404(request)
    return json_response(describe_sobject(sobject, api_version(request)))


def build_meta_router() -> APIRouter:
    """Routes at the top of the data API. `sobjects/{sobject}` POST lives with the records."""
    router = APIRouter()
    add_route(router, "/services/data", versions_root, ["GET"])
    data = APIRouter(prefix=DATA_PREFIX)
    add_route(data, "", resources, ["GET"])
    add_route(data, "/limits", limits, ["GET"])
    add_route(data, "/sobjects", global_describe, ["GET"])
    add_route(data, "/sobjects/{sobject}/describe", sobject_describe, ["GET"])
    router.include_router(data)
    return router


__all__ = ["build_meta_router", "release_label", "sobject_metadata"]
