"""The SuiteQL endpoint: `POST /services/rest/query/v1/suiteql?limit=&offset=`; with
`Prefer: respond-async` the query runs as an asynchronous job (`mocks.netsuite.asyncjobs`)."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from mocks.netsuite.asyncjobs import submit, wants_async
from mocks.netsuite.auth import require_login
from mocks.netsuite.errors import JsonResponse, NetSuiteError, invalid_content
from mocks.netsuite.paging import check_page, page_body
from mocks.netsuite.query.execute import Executor, Result
from mocks.netsuite.query.suiteql import Query, SuiteQLError, parse
from mocks.netsuite.routes.records import VALIDATION_HEADER, JsonBody
from mocks.netsuite.service import NetSuiteState
from mocks.turns import CPU_TURNS

QUERY_PATH = "/services/rest/query/v1"

router = APIRouter(prefix=QUERY_PATH, dependencies=[Depends(require_login)])


def _query_text(request: Request, body: Any) -> str:
    if not isinstance(body, dict):
        raise invalid_content('The request body must be a JSON object such as {"q": "SELECT ..."}.')
    strict = request.headers.get(VALIDATION_HEADER, "").strip().lower() == "error"
    unknown = sorted(set(body) - {"q"})
    if unknown and strict:
        raise invalid_content(f"Invalid property name '{unknown[0]}'.", unknown[0])
    text = body.get("q")
    if not isinstance(text, str) or not text.strip():
        raise invalid_content("The request body needs a 'q' property holding the SuiteQL query.")
    return text


@lru_cache(maxsize=256)
def _parsed(text: str) -> Query:
    """`parse`, once per query text: a client paging a result set sends the same text with
    every page (a query that fails to parse is not kept, and fails again the same way)."""
    return parse(text)


@router.post("/suiteql")
async def suiteql(
    request: Request,
    body: JsonBody,
    limit: int | None = None,
    offset: int | None = None,
) -> Response:
    """Run a query; `Prefer: transient` is accepted and changes nothing.

    The next page of a result set still valid is cut and rendered here, on the event loop
    (no store lock, no threadpool hop); a query that has to run reads the store in the
    threadpool, so a writer holding the store lock never stalls the loop."""
    state: NetSuiteState = request.app.state.netsuite
    limit, offset = check_page(limit, offset)
    text = _query_text(request, body)
    executor = Executor(state.store, str(state.setting("date_format")))
    url = f"{str(request.base_url).rstrip('/')}{QUERY_PATH}/suiteql"

    def page(result: Result) -> Response:
        body = page_body(url, {}, result.rows, total=result.total, limit=limit, offset=offset)
        return JsonResponse(body)

    if wants_async(request):
        return await run_in_threadpool(
            submit, request, lambda: page(_run(executor, text, limit, offset))
        )
    try:
        query = _parsed(text)
        result = executor.cached_page(query, limit=limit, offset=offset)
        if result is None:
            # One query computes at a time, first asked first (`mocks.turns`).
            run = partial(executor.run, query, limit=limit, offset=offset)
            result = await run_in_threadpool(CPU_TURNS.run, run)
    except SuiteQLError as exc:
        raise _invalid_query(exc) from exc
    return page(result)


def _invalid_query(exc: SuiteQLError) -> NetSuiteError:
    return NetSuiteError(400, "INVALID_PARAMETER", f"Invalid search query. {exc}.")


def _run(executor: Executor, text: str, limit: int, offset: int) -> Result:
    """One page of the query, its errors as NetSuite answers them (an asynchronous job)."""
    try:
        return executor.run(_parsed(text), limit=limit, offset=offset)
    except SuiteQLError as exc:
        raise _invalid_query(exc) from exc
