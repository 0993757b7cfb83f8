"""Composite (`composite`) and composite graph (`composite/graph`): several REST calls in one
request, later ones reading earlier answers through `@{referenceId.path}`.

- `composite`: up to 25 subrequests; with `allOrNone`, the first failure rolls back every
  write already made and every other subrequest answers PROCESSING_HALTED; without it,
  only subrequests that reference a failed one are halted.
- `composite/graph`: independent graphs, each all-or-none by itself, up to 500 nodes each.

Subrequests must address this org's data API (`/services/data/vXX.X/...`); a composite
call cannot nest another composite, graph or tree call.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.errors import NOT_FOUND_MESSAGE, ApiError, json_response, read_json
from mocks.salesforce.routes.checkpoint import Checkpoint
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route
from mocks.salesforce.routes.subrequest import (
    REFERENCE_ID,
    Answer,
    UnresolvedReference,
    dispatch,
    resolve,
)
from mocks.salesforce.schema import SOBJECTS
from mocks.salesforce.state import mock_context, sf_state

MAX_SUBREQUESTS = 25
MAX_GRAPH_NODES = 500
MAX_GRAPHS = 75
_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"})
_DATA_URL = re.compile(r"/services/data/v\d+\.\d+/(?P<rest>.*)")
_NESTED = re.compile(r"composite/?(?:graph|tree|batch)?(?:[/?].*)?$")
_ROLLED_BACK = ("The transaction was rolled back since another operation in the same"
                " transaction failed.")  # fmt: skip
_OBJECT_IN_URL = re.compile(r"sobjects/(\w+)")
_DATA_URL_VERSION = re.compile(r"/services/data/v(\d+\.\d+)/")
_CREATE_URL = re.compile(r"/sobjects/\w+/?(?:\?.*)?$")


def _halted(message: str = _ROLLED_BACK) -> Answer:
    return Answer(400, {}, [{"errorCode": "PROCESSING_HALTED", "message": message}])


def _subrequests(body: Any, key: str, limit: int) -> list[dict[str, Any]]:
    """The checked list of subrequests: each a method, a data API URL, a unique referenceId."""
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(400, "JSON_PARSER_ERROR", f"The request must include a non-empty {key}")
    if len(items) > limit:
        message = f"Composite requests cannot contain more than {limit} subrequests"
        raise ApiError(400, "LIMIT_EXCEEDED", message)
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "Each subrequest must be a JSON object")
        ref, method, url = item.get("referenceId"), item.get("method"), item.get("url")
        if not isinstance(ref, str) or REFERENCE_ID.fullmatch(ref) is None:
            raise ApiError(400, "INVALID_INPUT", f"Invalid referenceId: {ref}")
        if ref in seen:
            raise ApiError(400, "INVALID_INPUT", f"Duplicate referenceId provided: {ref}")
        seen.add(ref)
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise ApiError(400, "INVALID_INPUT", f"Invalid method for {ref}: {method}")
        match = _DATA_URL.fullmatch(url) if isinstance(url, str) else None
        if match is None or _NESTED.match(match.group("rest")):
            raise ApiError(400, "INVALID_INPUT", f"Invalid url for {ref}: {url}")
    return items


def _written_objects(items: list[dict[str, Any]]) -> set[str]:
    """The objects the subrequests may write (every object when a URL does not say)."""
    names: set[str] = set()
    for item in items:
        if str(item["method"]).upper() in ("GET", "HEAD"):
            continue
        found = _OBJECT_IN_URL.search(str(item["url"]))
        if found is None or "/composite/" in str(item["url"]):
            return set(SOBJECTS)  # a collection: its records say their types
        names.add(found.group(1))
    known = {s.lower(): s for s in SOBJECTS}
    return {known.get(n.lower(), n) for n in names}


async def _run_one(request: Request, item: dict[str, Any], answers: dict[str, Answer]) -> Answer:
    try:
        url = resolve(item["url"], answers)
        body = resolve(item.get("body"), answers)
    except UnresolvedReference as exc:
        return _halted(
            f"Invalid reference specified. No value for {exc.reference} found in an earlier"
            " subrequest's answer."
        )
    match = _DATA_URL.fullmatch(str(url))
    if match is None or _NESTED.match(match.group("rest")):
        # A reference may not turn a URL into one the list would have refused as written.
        return Answer(
            400,
            {},
            [
                {
                    "errorCode": "INVALID_INPUT",
                    "message": f"Invalid url for {item.get('referenceId')}: {url}",
                }
            ],
        )
    version = _DATA_URL_VERSION.match(str(url))
    if version is None or version.group(1) not in sf_state(request).versions:
        # As the gate answers the same call made alone: no such version, no such resource.
        return Answer(404, {}, [{"errorCode": "NOT_FOUND", "message": NOT_FOUND_MESSAGE}])
    headers = item.get("httpHeaders") if isinstance(item.get("httpHeaders"), dict) else None
    method = str(item["method"]).upper()
    answer = await dispatch(request, method, str(url), body, headers)
    created = answer.body.get("id") if isinstance(answer.body, dict) else None
    if method == "POST" and answer.status == 201 and created and _CREATE_URL.search(str(url)):
        # Where the new record lives, as a create's Location header says in a composite.
        answer.headers["Location"] = f"{str(url).split('?')[0].rstrip('/')}/{created}"
    return answer


async def run_all(request: Request, items: list[dict[str, Any]], all_or_none: bool
                  ) -> tuple[list[dict[str, Any]], bool]:  # fmt: skip
    """Run the subrequests in order; the wire answers and whether every one succeeded."""
    store = mock_context(request).store
    checkpoint = Checkpoint(store, _written_objects(items)) if all_or_none else None
    answers: dict[str, Answer] = {}
    failed: str | None = None
    with sf_state(request).write_lock:
        for item in items:
            ref = item["referenceId"]
            answer = _halted() if failed and all_or_none else await _run_one(request, item, answers)
            answers[ref] = answer
            if not answer.ok and failed is None:
                failed = ref
        if failed and checkpoint is not None:
            checkpoint.rollback()
            answers = {ref: a if ref == failed else _halted() for ref, a in answers.items()}
    return [a.wire(ref) for ref, a in answers.items()], failed is None


async def composite(request: Request) -> Response:
    body = await read_json(request)
    items = _subrequests(body, "compositeRequest", MAX_SUBREQUESTS)
    all_or_none, collate = body.get("allOrNone", False), body.get("collateSubrequests", False)
    if not isinstance(all_or_none, bool) or not isinstance(collate, bool):
        raise ApiError(400, "JSON_PARSER_ERROR", "allOrNone and collateSubrequests are booleans")
    # collateSubrequests only lets Salesforce group independent writes; answers are the same.
    answers, _ = await run_all(request, items, all_or_none)
    return json_response({"compositeResponse": answers})


async def graph(request: Request) -> Response:
    body = await read_json(request)
    graphs = body.get("graphs") if isinstance(body, dict) else None
    if not isinstance(graphs, list) or not graphs:
        raise ApiError(400, "JSON_PARSER_ERROR", "The request must include a non-empty graphs")
    if len(graphs) > MAX_GRAPHS:
        raise ApiError(400, "LIMIT_EXCEEDED", f"A request cannot contain more than {MAX_GRAPHS}"
                       " graphs")  # fmt: skip
    ids = [g.get("graphId") if isinstance(g, dict) else None for g in graphs]
    if any(not isinstance(i, str) or not i for i in ids) or len(set(ids)) != len(ids):
        raise ApiError(400, "INVALID_INPUT", "Every graph needs its own graphId")
    checked = [_subrequests(g, "compositeRequest", MAX_GRAPH_NODES) for g in graphs]
    out = []
    for graph_id, items in zip(ids, checked, strict=True):
        answers, ok = await run_all(request, items, all_or_none=True)
        out.append({"graphId": graph_id, "graphResponse": {"compositeResponse": answers},
                    "isSuccessful": ok})  # fmt: skip
    return json_response({"graphs": out})


def build_composite_request_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    add_route(router, "/composite", composite, ["POST"])
    add_route(router, "/composite/graph", graph, ["POST"])
    return router


__all__ = ["build_composite_request_router", "run_all"]
