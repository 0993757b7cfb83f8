"""The Toy CRM's REST API for clients, under `/api/v1`.

- `GET /clients?limit=&cursor=&updated_since=&include_deleted=&ref=`: a page of clients in
  (updated_at, id) order, `{"data": [...], "next_cursor": str | null}`; `limit` 1..100
  (`max_page_size`); `ref` (repeatable) keeps the clients with those references;
- `GET /clients/{id}`, `PATCH /clients/{id}`, `DELETE /clients/{id}` (204, a soft delete:
  listed again with `include_deleted=true` and `"deleted": true`);
- `PUT /clients/by-ref/{ref}`: upsert by the external reference; 201 created, 200 updated
  (fields not sent are kept), body the client;
- `GET /schema/clients`: the field list (type, max_length, required, read_only).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mocks.context import MockContext
from mocks.store import RecordNotFound, RecordStore
from tests.packs.toy.mock.errors import ToyError, json_response, not_found, read_json
from tests.packs.toy.mock.paging import decode_cursor, page, parse_since
from tests.packs.toy.mock.schema import OBJECT, check_write, render, schema_body
from tests.packs.toy.mock.state import ToyState

PREFIX = "/api/v1"


def _parts(request: Request) -> tuple[MockContext, RecordStore, ToyState]:
    ctx: MockContext = request.app.state.mock
    return ctx, ctx.store, request.app.state.toy


def _duplicate_ref(store: RecordStore, ref: Any, record_id: str | None) -> None:
    if ref is not None and any(r.id != record_id for r in store.find(OBJECT, "ref", ref)):
        raise ToyError(409, "duplicate_ref", f"another client already has ref {ref!r}", "ref")


async def list_clients(
    request: Request,
    limit: int | None = None,
    cursor: str | None = None,
    updated_since: str | None = None,
    include_deleted: bool = False,
    ref: list[str] | None = Query(default=None),
) -> Response:
    ctx, store, _ = _parts(request)
    size = int(ctx.settings["default_page_size"]) if limit is None else limit
    biggest = int(ctx.settings["max_page_size"])
    if not 1 <= size <= biggest:
        raise ToyError(422, "invalid_parameter", f"limit must be 1..{biggest}", "limit")
    records = store.records(OBJECT, include_deleted=include_deleted)
    if updated_since is not None:
        since = parse_since(updated_since)
        records = [r for r in records if r.modified_at >= since]
    if ref:
        wanted = set(ref)
        records = [r for r in records if r.fields.get("ref") in wanted]
    chosen, next_cursor = page(records, decode_cursor(cursor) if cursor else None, size)
    return json_response({"data": [render(r) for r in chosen], "next_cursor": next_cursor})


async def get_client(request: Request, client_id: str) -> Response:
    _, store, _ = _parts(request)
    rec = store.get(OBJECT, client_id)
    if rec is None:
        raise not_found("client")
    return json_response(render(rec))


async def upsert_client(request: Request, ref: str) -> Response:
    _, store, state = _parts(request)
    body = await read_json(request)
    if isinstance(body, dict) and body.get("ref", ref) != ref:
        raise ToyError(422, "invalid_parameter", "the body's ref differs from the URL's", "ref")
    with state.lock:
        found = store.find(OBJECT, "ref", ref)
        if found:
            changes = check_write(body, creating=False)
            rec = store.update(OBJECT, found[0].id, {**changes, "ref": ref})
            return json_response(render(rec), 200)
        changes = check_write(body, creating=True)
        fields = {"title": None, "mail": None, "tel": None, "nation": None, **changes}
        rec = store.insert(OBJECT, state.ids.next(store), {**fields, "ref": ref})
    return json_response(render(rec), 201, {"Location": f"{PREFIX}/clients/{rec.id}"})


async def patch_client(request: Request, client_id: str) -> Response:
    _, store, state = _parts(request)
    body = await read_json(request)
    with state.lock:
        if store.get(OBJECT, client_id) is None:
            raise not_found("client")
        changes = check_write(body, creating=False)
        if "ref" in changes:
            _duplicate_ref(store, changes["ref"], client_id)
        rec = store.update(OBJECT, client_id, changes)
    return json_response(render(rec))


async def delete_client(request: Request, client_id: str) -> Response:
    _, store, state = _parts(request)
    with state.lock:
        try:
            store.delete(OBJECT, client_id)
        except RecordNotFound as exc:
            raise not_found("client") from exc
    return Response(status_code=204)


async def describe(request: Request, obj: str) -> Response:
    if obj != OBJECT:
        raise not_found("object")
    return json_response(schema_body())


def build_clients_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    router.add_api_route("/clients", list_clients, methods=["GET"])
    router.add_api_route("/clients/by-ref/{ref}", upsert_client, methods=["PUT"])
    router.add_api_route("/clients/{client_id}", get_client, methods=["GET"])
    router.add_api_route("/clients/{client_id}", patch_client, methods=["PATCH"])
    router.add_api_route("/clients/{client_id}", delete_client, methods=["DELETE"])
    router.add_api_route("/schema/{obj}", describe, methods=["GET"])
    return router


__all__ = ["PREFIX", "build_clients_router"]
