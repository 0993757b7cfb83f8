"""The record service: `/services/rest/record/v1/{type}[/{id}|/eid:{externalId}]`.

Every read and write also runs as an asynchronous job when the request says
`Prefer: respond-async` (`mocks.netsuite.asyncjobs`, which also honours idempotency keys).
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.requests import ClientDisconnect

from mocks.netsuite.asyncjobs import answer
from mocks.netsuite.auth import require_login
from mocks.netsuite.errors import (
    JsonResponse,
    NetSuiteError,
    invalid_content,
    invalid_parameter,
    unknown_record_type,
)
from mocks.netsuite.filters import parse_q
from mocks.netsuite.paging import check_page, page_body
from mocks.netsuite.render import RECORD_PATH, Renderer, record_url
from mocks.netsuite.schema import RECORD_TYPES, FieldSpec, RecordSpec, record_spec
from mocks.netsuite.service import EID_PREFIX, NetSuiteState, RecordService
from mocks.store import StoredRecord

VALIDATION_HEADER = "X-NetSuite-PropertyNameValidation"


async def json_body(request: Request) -> Any:
    """The parsed JSON body; malformed or empty bodies are 400 INVALID_CONTENT."""
    try:
        raw = await request.body()
    except ClientDisconnect:  # the client went away mid-body (a killed sync): nobody to answer
        raise invalid_content("The client disconnected before sending the whole body.") from None
    if not raw.strip():
        raise invalid_content("The request body is empty; send a JSON object.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise invalid_content(f"The request body is not valid JSON: {exc}.") from exc


JsonBody = Annotated[Any, Depends(json_body)]


def _state(request: Request) -> NetSuiteState:
    state: NetSuiteState = request.app.state.netsuite
    return state


def _spec(record_type: str) -> RecordSpec:
    spec = record_spec(record_type)
    if spec is None:
        raise unknown_record_type(record_type, sorted(RECORD_TYPES))
    return spec


def _service(request: Request, record_type: str) -> RecordService:
    return RecordService(_state(request), _spec(record_type))


def _strict(request: Request) -> bool:
    return request.headers.get(VALIDATION_HEADER, "").strip().lower() == "error"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _no_content(location: str | None = None) -> Response:
    response = Response(status_code=204)
    if location is not None:
        response.headers["Location"] = location
    return response


def _selected_fields(spec: RecordSpec, fields: str | None) -> list[FieldSpec] | None:
    if fields is None:
        return None
    chosen: list[FieldSpec] = []
    for name in (n.strip() for n in fields.split(",") if n.strip()):
        field = spec.field_ci(name)
        if field is None:
            raise invalid_parameter(
                f"Invalid value for query parameter 'fields': record type '{spec.name}' has no"
                f" field '{name}'.",
                "fields",
            )
        chosen.append(field)
    return chosen


def _id_order(rec: StoredRecord) -> tuple[int, str]:
    return (int(rec.id), "") if rec.id.isdigit() else (1 << 62, rec.id)


router = APIRouter(prefix=RECORD_PATH, dependencies=[Depends(require_login)])


@router.get("/{record_type}")
def list_records(
    request: Request,
    record_type: str,
    limit: int | None = None,
    offset: int | None = None,
    q: str | None = None,
) -> Response:
    service = _service(request, record_type)
    limit, offset = check_page(limit, offset)

    def listing() -> Response:
        rows = sorted(service.store.records(service.spec.name), key=_id_order)
        if q is not None and q.strip():
            keep = parse_q(q, service.spec, str(service.state.setting("date_format")))
            rows = [rec for rec in rows if keep(rec)]
        renderer = Renderer(service.store, _base(request))
        page = [renderer.list_item(service.spec, rec) for rec in rows[offset : offset + limit]]
        params = {"q": q} if q else {}
        url = record_url(_base(request), service.spec.name)
        body = page_body(url, params, page, total=len(rows), limit=limit, offset=offset)
        return JsonResponse(body)

    return answer(request, listing)


@router.post("/{record_type}")
def create_record(request: Request, record_type: str, body: JsonBody) -> Response:
    service = _service(request, record_type)

    def create() -> Response:
        rec = service.create(body, strict=_strict(request))
        return _no_content(record_url(_base(request), service.spec.name, rec.id))

    return answer(request, create)


@router.get("/{record_type}/{key}")
def get_record(
    request: Request,
    record_type: str,
    key: str,
    fields: str | None = None,
    expand: bool = Query(default=False, alias="expandSubResources"),
) -> Response:
    service = _service(request, record_type)
    only = _selected_fields(service.spec, fields)

    def read() -> Response:
        rec = service.find(key)
        renderer = Renderer(service.store, _base(request))
        return JsonResponse(renderer.record(service.spec, rec, expand=expand, only=only))

    return answer(request, read)


@router.get("/{record_type}/{key}/{sublist}")
def get_sublist(request: Request, record_type: str, key: str, sublist: str) -> Response:
    service = _service(request, record_type)
    field = service.spec.field_ci(sublist)
    if field is None or field.kind != "sublist":
        raise NetSuiteError(
            404, "INVALID_URL", f"Record type '{service.spec.name}' has no sublist '{sublist}'."
        )
    rec = service.find(key)
    renderer = Renderer(service.store, _base(request))
    href = record_url(_base(request), service.spec.name, rec.id)
    return JsonResponse(renderer.sublist(field, rec, href))


@router.patch("/{record_type}/{key}")
def update_record(request: Request, record_type: str, key: str, body: JsonBody) -> Response:
    service = _service(request, record_type)

    def update() -> Response:
        rec = service.update(key, body, strict=_strict(request))
        return _no_content(record_url(_base(request), service.spec.name, rec.id))

    return answer(request, update)


@router.put("/{record_type}/{key}")
def upsert_record(request: Request, record_type: str, key: str, body: JsonBody) -> Response:
    service = _service(request, record_type)
    if not key.startswith(EID_PREFIX) or len(key) == len(EID_PREFIX):
        raise NetSuiteError(
            405,
            "INVALID_METHOD",
            "PUT upserts by external ID only: use PUT"
            f" /{service.spec.name}/eid:<externalId>, or PATCH /{service.spec.name}/{key}.",
        )

    def upsert() -> Response:
        rec, _created = service.upsert(key[len(EID_PREFIX) :], body, strict=_strict(request))
        return _no_content(record_url(_base(request), service.spec.name, rec.id))

    return answer(request, upsert)


@router.delete("/{record_type}/{key}")
def delete_record(request: Request, record_type: str, key: str) -> Response:
    service = _service(request, record_type)

    def delete() -> Response:
        service.delete(key)
        return _no_content()

    return answer(request, delete)
