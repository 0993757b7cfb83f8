"""sObject Tree (`composite/tree/{sobject}`): create records with their children (and their
children's children) in one all-or-none save.

Each record carries `attributes: {type, referenceId}`; children sit under a child
relationship name (`"Contacts": {"records": [...]}`) and get their parent's id on the
relationship's field. At most 200 records in all and five levels deep. Success is 201 with
`{"hasErrors": false, "results": [{"referenceId", "id"}, ...]}`; any failure saves nothing
and answers 400 with the failing records' errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.dml import UnitOfWork
from mocks.salesforce.errors import ApiError, json_response, read_json
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route, sobject_or_404
from mocks.salesforce.routes.subrequest import REFERENCE_ID
from mocks.salesforce.schema import SObjectDef, get_sobject
from mocks.salesforce.state import mock_context, org_directory, sf_state
from mocks.salesforce.values import RecordError

MAX_RECORDS = 200
MAX_DEPTH = 5


@dataclass
class _Tree:
    uow: UnitOfWork
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    count: int = 0


def _count(records: list[Any], depth: int) -> int:
    if depth > MAX_DEPTH:
        raise ApiError(400, "INVALID_INPUT", f"Trees can be at most {MAX_DEPTH} levels deep")
    total = 0
    for rec in records:
        if not isinstance(rec, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "Each record must be a JSON object")
        total += 1
        for value in rec.values():
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                total += _count(value["records"], depth + 1)
    return total


def _reference_id(record: dict[str, Any], sobject: SObjectDef, tree: _Tree) -> str:
    attributes = record.get("attributes")
    if not isinstance(attributes, dict):
        raise ApiError(400, "INVALID_INPUT", "Each record needs attributes with type and"
                       " referenceId")  # fmt: skip
    ref, type_name = attributes.get("referenceId"), attributes.get("type")
    if not isinstance(ref, str) or REFERENCE_ID.fullmatch(ref) is None:
        raise ApiError(400, "INVALID_INPUT", f"Invalid referenceId: {ref}")
    if ref in tree.seen:
        raise ApiError(
            400, "INVALID_INPUT", f"Duplicate ReferenceId provided in the request: {ref}"
        )
    tree.seen.add(ref)
    if not isinstance(type_name, str) or get_sobject(type_name) is not sobject:
        raise ApiError(400, "INVALID_INPUT", f"Record {ref} must be of type {sobject.name}")
    return ref


def _plan(tree: _Tree, sobject: SObjectDef, records: list[dict[str, Any]],
          parent: tuple[str, str] | None) -> None:  # fmt: skip
    """Plan `records` of `sobject` (children of the record `parent` = (field, id))."""
    for record in records:
        ref = _reference_id(record, sobject, tree)
        values: dict[str, Any] = {}
        nested: list[tuple[SObjectDef, str, list[dict[str, Any]]]] = []
        for key, value in record.items():
            if key == "attributes":
                continue
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                found = next((c for c in sobject.children if c[0].lower() == key.lower()), None)
                child = get_sobject(found[1]) if found else None
                if found is None or child is None:
                    message = f"Invalid child relationship {key} on {sobject.name}"
                    raise ApiError(400, "INVALID_FIELD", message)
                nested.append((child, found[2], value["records"]))
            else:
                values[key] = value
        try:
            if any(k.lower() == "id" for k in values):
                raise RecordError.one("INVALID_FIELD", "cannot specify Id in an insert call")
            if parent is not None:
                values[parent[0]] = parent[1]
            op = tree.uow.create(sobject, values)
        except RecordError as err:
            tree.errors.append({"referenceId": ref, "errors": [p.to_wire() for p in err.problems]})
            continue
        tree.results.append({"referenceId": ref, "id": op.record_id})
        for child, parent_field, child_records in nested:
            _plan(tree, child, child_records, (parent_field, op.record_id))


async def create_tree(request: Request) -> Response:
    sobject = sobject_or_404(request)
    body = await read_json(request)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not records:
        raise ApiError(400, "JSON_PARSER_ERROR", "The request must include a non-empty records")
    if _count(records, 1) > MAX_RECORDS:
        message = f"Trees can contain at most {MAX_RECORDS} records in all"
        raise ApiError(400, "LIMIT_EXCEEDED", message)
    state, store = sf_state(request), mock_context(request).store
    with state.write_lock:
        tree = _Tree(UnitOfWork(store, state.ids, org_directory(request)))
        _plan(tree, sobject, records, None)
        if tree.errors:
            return json_response({"hasErrors": True, "results": tree.errors}, 400)
        tree.uow.commit()
    return json_response({"hasErrors": False, "results": tree.results}, 201)


def build_composite_tree_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    add_route(router, "/composite/tree/{sobject}", create_tree, ["POST"])
    return router


__all__ = ["build_composite_tree_router"]
