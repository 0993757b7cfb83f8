"""The owners API (read-only, as HubSpot's is): `GET /crm/v3/owners/` (`email`, `after`,
`limit` up to 500, `archived`: only the archived ones) and `GET /crm/v3/owners/{ownerId}`
(`idProperty` `id` or `userId`, `archived`). The auth and rate gates are middleware, so
these routes are guarded like every other."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot.errors import HubSpotError, validation
from mocks.hubspot.owners import find, owners
from mocks.hubspot.routes.common import add_route, answer, flag, whole

OWNERS_MAX = 500  # the largest `limit` the owners API takes
OWNERS_DEFAULT = 100
ID_PROPERTIES = ("id", "userId")


async def list_owners(request: Request) -> Response:
    query = request.query_params
    limit = whole(query.get("limit"), "limit", OWNERS_DEFAULT, 1, OWNERS_MAX)
    found = list(owners(archived=flag(request, "archived")))
    email = (query.get("email") or "").strip().lower()
    if email:
        found = [o for o in found if o.email.lower() == email]
    after = query.get("after")
    if after not in (None, ""):
        assert after is not None
        if not after.strip().isdigit():
            raise validation(f"after must be a cursor from a previous page, got {after!r}")
        found = [o for o in found if int(o.id) >= int(after)]
    body: dict[str, Any] = {"results": [o.to_json() for o in found[:limit]]}
    if len(found) > limit:
        cursor = found[limit].id  # the first id of the next page, like the objects' cursor
        link = f"{request.url.path}?after={cursor}"
        body["paging"] = {"next": {"after": cursor, "link": link}}
    return answer(body)


async def get_owner(request: Request) -> Response:
    key = request.path_params["owner_id"]
    id_property = request.query_params.get("idProperty") or "id"
    if id_property not in ID_PROPERTIES:
        raise validation(
            f"idProperty must be one of {list(ID_PROPERTIES)}, got {id_property!r}",
            context={"idProperty": [id_property]},
        )
    if not key.isdigit():
        raise validation("Must be a valid ID", context={"ownerId": [key]})
    owner = find(key, by_user_id=id_property == "userId", archived=flag(request, "archived"))
    if owner is None:
        raise HubSpotError(
            404, f"No owner found with {id_property} {key}", "OBJECT_NOT_FOUND",
            context={"ownerId": [key]},
        )  # fmt: skip
    return answer(owner.to_json())


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(router, "/crm/v3/owners", list_owners, ["GET"])
    add_route(router, "/crm/v3/owners/{owner_id}", get_owner, ["GET"])
    return router


__all__ = ["OWNERS_MAX", "build_router"]
