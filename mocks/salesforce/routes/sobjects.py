"""Single-record routes under `sobjects/{sobject}`: create, read, update, delete, upsert by
external id, and the replication feeds `updated/` and `deleted/`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.commerce_rules import ensure_standard_pricebook
from mocks.salesforce.dml import MultipleMatches, Planned, UnitOfWork, resolve_id
from mocks.salesforce.errors import ApiError, json_response, not_found, read_object
from mocks.salesforce.records import format_datetime, parse_datetime, record_url, render_record
from mocks.salesforce.routes.meta import sobject_metadata
from mocks.salesforce.routes.routing import (
    DATA_PREFIX,
    add_route,
    single_record_error,
    sobject_or_404,
)
from mocks.salesforce.schema import FieldDef, SObjectDef
from mocks.salesforce.seed.directory import ensure_directory
from mocks.salesforce.state import api_version, mock_context, org_directory, sf_state
from mocks.salesforce.values import RecordError

CREATED_FALSE_SINCE = 46  # API version from which an upsert update answers 200, not 204


def select_fields(sobject: SObjectDef, raw: str | None) -> tuple[FieldDef, ...]:
    """The `fields=A,B` parameter resolved to field definitions (all fields when absent)."""
    if raw is None or not raw.strip():
        return sobject.fields
    out: list[FieldDef] = []
    for name in (n.strip() for n in raw.split(",") if n.strip()):
        fd = sobject.field(name)
        if fd is None:
            message = f"No such column '{name}' on sobject of type {sobject.name}"
            raise ApiError(400, "INVALID_FIELD", message)
        out.append(fd)
    return tuple(out)


def _respond_record(request: Request, sobject: SObjectDef, record_id: str) -> Response:
    store = mock_context(request).store
    ensure_standard_pricebook(store, sobject.name)
    rec = store.get(sobject.name, record_id)
    if rec is None:
        raise not_found()
    fields = select_fields(sobject, request.query_params.get("fields"))
    user = sf_state(request).config.user_id
    return json_response(render_record(sobject, rec, fields, api_version(request), user))


def _id_from_path(request: Request, sobject: SObjectDef) -> str:
    # The org's directory (users, record types, the organization) exists before any data.
    ensure_directory(mock_context(request).store, sf_state(request).config, (sobject.name,))
    try:
        return resolve_id(sobject, request.path_params["record_id"])
    except RecordError as err:
        raise single_record_error(err) from err


def _external_value(request: Request) -> str:
    """The raw last path segment(s), decoded once with `+` as space (the SDK quote_plus-es).

    Read from `raw_path`, because the server has already turned `%2B` into `+`."""
    raw_path = request.scope.get("raw_path")
    if isinstance(raw_path, bytes):
        parts = raw_path.decode("latin-1").split("/")
        raw = "/".join(parts[parts.index("sobjects") + 3 :])
    else:
        raw = str(request.path_params["value"])
    return unquote_plus(raw[:-1] if raw.endswith("/") else raw)


def _write(request: Request, plan: Callable[[UnitOfWork], Planned]) -> Planned:
    """Run `plan(uow)` and commit under the write lock; record errors become replies, except
    `MultipleMatches`, which an upsert answers with 300."""
    state, ctx = sf_state(request), mock_context(request)
    with state.write_lock:
        uow = UnitOfWork(ctx.store, state.ids, org_directory(request))
        try:
            result = plan(uow)
        except MultipleMatches:
            raise
        except RecordError as err:
            raise single_record_error(err) from err
        uow.commit()
    return result


async def create(request: Request) -> Response:
    sobject = sobject_or_404(request)
    body = await read_object(request, sobject.name)
    op = _write(request, lambda uow: uow.create(sobject, body))
    return json_response({"id": op.record_id, "success": True, "errors": []}, 201)


async def get_record(request: Request) -> Response:
    sobject = sobject_or_404(request)
    return _respond_record(request, sobject, _id_from_path(request, sobject))


async def update_record(request: Request) -> Response:
    sobject = sobject_or_404(request)
    record_id = _id_from_path(request, sobject)
    body = await read_object(request, sobject.name)
    _write(request, lambda uow: uow.update(sobject, record_id, body))
    return Response(status_code=204)


async def delete_record(request: Request) -> Response:
    sobject = sobject_or_404(request)
    record_id = _id_from_path(request, sobject)
    _write(request, lambda uow: uow.delete(sobject, record_id))
    return Response(status_code=204)


def _external_field(request: Request, sobject: SObjectDef) -> FieldDef:
    uow = UnitOfWork(mock_context(request).store, sf_state(request).ids)
    try:
        return uow.external_id_field(sobject, str(request.path_params["field"]))
    except RecordError as err:
        raise single_record_error(err) from err


def _multiple_choices(request: Request, sobject: SObjectDef, ids: list[str]) -> Response:
    version = api_version(request)
    return json_response([record_url(sobject.name, i, version) for i in ids], 300)


async def get_by_external_id(request: Request) -> Response:
    sobject = sobject_or_404(request)
    fd = _external_field(request, sobject)
    value = _external_value(request)
    if fd.name == "Id":
        try:
            return _respond_record(request, sobject, resolve_id(sobject, value))
        except RecordError as err:
            raise single_record_error(err) from err
    matches = UnitOfWork(mock_context(request).store, sf_state(request).ids).holders(
        sobject, fd, value
    )
    if len(matches) > 1:
        return _multiple_choices(request, sobject, sorted(matches))
    if not matches:
        raise not_found()
    return _respond_record(request, sobject, matches[0])


async def upsert(request: Request) -> Response:
    sobject = sobject_or_404(request)
    fd = _external_field(request, sobject)
    value = _external_value(request)
    body = await read_object(request, sobject.name)
    try:
        op = _write(request, lambda uow: uow.upsert(sobject, fd, value, body))
    except MultipleMatches as err:
        return _multiple_choices(request, sobject, err.ids)
    result = {"id": op.record_id, "success": True, "errors": [], "created": op.created}
    if op.created:
        return json_response(result, 201)
    if int(float(api_version(request))) >= CREATED_FALSE_SINCE:
        return json_response(result, 200)
    return Response(status_code=204)


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def _window(request: Request) -> tuple[datetime, datetime]:
    """The `start`/`end` parameters, cut to whole minutes as Salesforce does."""
    bounds = []
    for name in ("start", "end"):
        raw = request.query_params.get(name)
        if not raw:
            raise ApiError(400, "MISSING_ARGUMENT", f"{name} must be specified")
        try:
            bounds.append(_minute(parse_datetime(raw.rstrip(":"))))
        except ValueError:
            raise ApiError(400, "INVALID_REPLICATION_DATE", f"invalid {name} date: {raw}") from None
    start, end = bounds
    if end < start:
        raise ApiError(400, "INVALID_REPLICATION_DATE", "end date must follow the start date")
    ctx = mock_context(request)
    days = int(ctx.settings["replication_lookback_days"])
    if start < ctx.store.now() - timedelta(days=days):
        message = f"startDate cannot be more than {days} days ago"
        raise ApiError(400, "INVALID_REPLICATION_DATE", message)
    return start, end


async def updated(request: Request) -> Response:
    sobject = sobject_or_404(request)
    start, end = _window(request)
    records = mock_context(request).store.records(sobject.name)
    ids = [r.id for r in records if start <= r.modified_at < end]
    return json_response({"ids": ids, "latestDateCovered": format_datetime(end)})


async def deleted(request: Request) -> Response:
    sobject = sobject_or_404(request)
    start, end = _window(request)
    ctx = mock_context(request)
    gone = [
        {"id": r.id, "deletedDate": format_datetime(r.deleted_at)}
        for r in ctx.store.records(sobject.name, include_deleted=True)
        if r.deleted and r.deleted_at is not None and start <= r.deleted_at < end
    ]
    earliest = ctx.store.now() - timedelta(days=int(ctx.settings["replication_lookback_days"]))
    return json_response(
        {
            "deletedRecords": gone,
            "earliestDateAvailable": format_datetime(_minute(earliest)),
            "latestDateCovered": format_datetime(end),
        }
    )


def build_sobject_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    base = "/sobjects/{sobject}"
    add_route(router, base, sobject_metadata, ["GET"])
    add_route(router, base, create, ["POST"])
    add_route(router, f"{base}/updated", updated, ["GET"])
    add_route(router, f"{base}/deleted", deleted, ["GET"])
    add_route(router, f"{base}/{{record_id}}", get_record, ["GET"])
    add_route(router, f"{base}/{{record_id}}", update_record, ["PATCH"])
    add_route(router, f"{base}/{{record_id}}", delete_record, ["DELETE"])
    path = f"{base}/{{field}}/{{value:path}}"
    router.add_api_route(path, get_by_external_id, methods=["GET"], include_in_schema=False)
    router.add_api_route(path, upsert, methods=["PATCH"], include_in_schema=False)
    return router
