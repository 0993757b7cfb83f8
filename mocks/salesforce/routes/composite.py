"""sObject Collections (`composite/sobjects`): up to 200 records per call, one result per
record in input order, and real all-or-none rollback (nothing is written unless every
record passes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.dml import UnitOfWork, resolve_id
from mocks.salesforce.errors import ApiError, json_response, read_json
from mocks.salesforce.ids import InvalidId, normalize_id
from mocks.salesforce.records import render_record
from mocks.salesforce.routes.routing import (
    DATA_PREFIX,
    add_route,
    single_record_error,
    sobject_or_404,
)
from mocks.salesforce.routes.sobjects import select_fields
from mocks.salesforce.schema import FieldDef, SObjectDef, get_sobject, sobject_for_id
from mocks.salesforce.state import api_version, mock_context, org_directory, sf_state
from mocks.salesforce.values import Problem, RecordError

ROLLED_BACK = Problem(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using"
    " AllOrNone header",
)
# One planned record: its wire result and whether a rolled-back result still names its id.
Outcome = tuple[dict[str, Any], bool]
PlanOne = Callable[[UnitOfWork, Any], Outcome]


def _max_batch(request: Request) -> int:
    return int(mock_context(request).settings["max_batch_size"])


def _too_many(limit: int) -> ApiError:
    message = f"record limit reached. cannot submit more than {limit} records into this call"
    return ApiError(400, "EXCEEDED_ID_LIMIT", message)


async def _collection(request: Request) -> tuple[list[dict[str, Any]], bool]:
    body = await read_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "Expected an object with a records array")
    records = body["records"]
    all_or_none = body.get("allOrNone", False)
    if not isinstance(all_or_none, bool) or not all(isinstance(r, dict) for r in records):
        raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize the request body")
    if len(records) > _max_batch(request):
        raise _too_many(_max_batch(request))
    return records, all_or_none


def _failure(err: RecordError, record_id: str | None = None) -> dict[str, Any]:
    head = {"id": record_id} if record_id else {}
    return {**head, "success": False, "errors": [p.to_wire() for p in err.problems]}


def _record_type(record: dict[str, Any], default: SObjectDef | None = None) -> SObjectDef:
    attributes = record.get("attributes")
    name = attributes.get("type") if isinstance(attributes, dict) else None
    if not name:
        if default is not None:
            return default
        raise RecordError.one("INVALID_TYPE", "Must send a concrete entity type.")
    sobject = get_sobject(str(name))
    if sobject is None or (default is not None and sobject is not default):
        raise RecordError.one("INVALID_TYPE", f"sObject type '{name}' is not supported.")
    return sobject


def _value_of_key(record: dict[str, Any], name: str) -> Any:
    return next((v for k, v in record.items() if k.lower() == name.lower()), None)


def _run(request: Request, items: list[Any], plan_one: PlanOne, all_or_none: bool) -> Response:
    state, ctx = sf_state(request), mock_context(request)
    with state.write_lock:
        uow = UnitOfWork(ctx.store, state.ids, org_directory(request))
        outcomes = [plan_one(uow, item) for item in items]
        if all_or_none and any(not result["success"] for result, _ in outcomes):
            rolled = {"success": False, "errors": [ROLLED_BACK.to_wire()]}
            results = [
                r if not r["success"] else ({"id": r["id"], **rolled} if keep_id else rolled)
                for r, keep_id in outcomes
            ]
        else:
            uow.commit()
            results = [r for r, _ in outcomes]
    return json_response(results)


def _plan_create(uow: UnitOfWork, record: dict[str, Any]) -> Outcome:
    try:
        sobject = _record_type(record)
        if any(k.lower() == "id" for k in record):
            raise RecordError.one("INVALID_FIELD", "cannot specify Id in an insert call")
        op = uow.create(sobject, record)
    except RecordError as err:
        return _failure(err), False
    return {"id": op.record_id, "success": True, "errors": []}, False


def _plan_update(uow: UnitOfWork, record: dict[str, Any]) -> Outcome:
    raw_id = _value_of_key(record, "id")
    try:
        shown_id = normalize_id(raw_id) if raw_id else None
    except InvalidId:
        shown_id = str(raw_id)
    try:
        sobject = _record_type(record)
        if raw_id is None:
            raise RecordError.one("MISSING_ARGUMENT", "Id not specified in an update call")
        body = {k: v for k, v in record.items() if k.lower() != "id"}
        op = uow.update(sobject, raw_id, body)
    except RecordError as err:
        return _failure(err, shown_id), True
    return {"id": op.record_id, "success": True, "errors": []}, True


async def create(request: Request) -> Response:
    records, all_or_none = await _collection(request)
    return _run(request, records, _plan_create, all_or_none)


async def update(request: Request) -> Response:
    records, all_or_none = await _collection(request)
    return _run(request, records, _plan_update, all_or_none)


async def upsert(request: Request) -> Response:
    sobject = sobject_or_404(request)
    uow = UnitOfWork(mock_context(request).store, sf_state(request).ids)
    try:
        fd: FieldDef = uow.external_id_field(sobject, str(request.path_params["field"]))
    except RecordError as err:
        raise single_record_error(err) from err
    records, all_or_none = await _collection(request)
    seen = Counter(
        v
        for r in records
        if (v := _value_of_key(r, fd.name)) is not None and not isinstance(v, dict | list)
    )

    def plan(uow: UnitOfWork, record: dict[str, Any]) -> Outcome:
        value = _value_of_key(record, fd.name)
        try:
            _record_type(record, default=sobject)
            if value is None:
                raise RecordError.one("MISSING_ARGUMENT", f"{fd.name} not specified", [fd.name])
            if not isinstance(value, dict | list) and seen[value] > 1:
                message = f"Duplicate external id specified: {value}"
                raise RecordError.one("DUPLICATE_EXTERNAL_ID", message, [fd.name])
            op = uow.upsert(sobject, fd, value, record)
        except RecordError as err:
            return _failure(err), False
        result = {"id": op.record_id, "success": True, "errors": [], "created": op.created}
        return result, not op.created

    return _run(request, records, plan, all_or_none)


def _split_ids(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


async def delete(request: Request) -> Response:
    ids = _split_ids(request.query_params.get("ids"))
    if len(ids) > _max_batch(request):
        raise _too_many(_max_batch(request))
    all_or_none = request.query_params.get("allOrNone", "false").lower() == "true"

    def plan(uow: UnitOfWork, raw: str) -> Outcome:
        try:
            sobject = sobject_for_id(normalize_id(raw))
        except InvalidId:
            err = RecordError.one("MALFORMED_ID", f"malformed id {raw}")
            return _failure(err, raw), True
        try:
            if sobject is None:
                raise RecordError.one("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
            op = uow.delete(sobject, raw)
        except RecordError as err:
            return _failure(err, normalize_id(raw)), True
        return {"id": op.record_id, "success": True, "errors": []}, True

    return _run(request, ids, plan, all_or_none)


def _retrieve(request: Request, sobject: SObjectDef, ids: list[str], fields_raw: str | None
              ) -> Response:  # fmt: skip
    if not ids or not fields_raw:
        raise ApiError(400, "MISSING_ARGUMENT", "ids and fields are required")
    if len(ids) > 2000:
        raise _too_many(2000)
    fields = select_fields(sobject, fields_raw)
    try:
        resolved = [resolve_id(sobject, raw) for raw in ids]
    except RecordError as err:
        raise single_record_error(err) from err
    store, version = mock_context(request).store, api_version(request)
    user = sf_state(request).config.user_id
    out = []
    for record_id in resolved:
        rec = store.get(sobject.name, record_id)
        out.append(None if rec is None else render_record(sobject, rec, fields, version, user))
    return json_response(out)


async def retrieve(request: Request) -> Response:
    sobject = sobject_or_404(request)
    ids = _split_ids(request.query_params.get("ids"))
    return _retrieve(request, sobject, ids, request.query_params.get("fields"))


async def retrieve_many(request: Request) -> Response:
    """POST form of retrieve, for id lists too long for a URL."""
    sobject = sobject_or_404(request)
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Expected an object with ids and fields")
    ids = [str(i) for i in body.get("ids") or []]
    fields = ",".join(str(f) for f in body.get("fields") or [])
    return _retrieve(request, sobject, ids, fields)


def build_composite_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    base = "/composite/sobjects"
    add_route(router, base, create, ["POST"])
    add_route(router, base, update, ["PATCH"])
    add_route(router, base, delete, ["DELETE"])
    add_route(router, f"{base}/{{sobject}}", retrieve, ["GET"])
    add_route(router, f"{base}/{{sobject}}", retrieve_many, ["POST"])
    add_route(router, f"{base}/{{sobject}}/{{field}}", upsert, ["PATCH"])
    return router
