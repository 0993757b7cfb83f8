"""The OData service routes: `/sap/opu/odata/sap/<SERVICE>/...` for every method pyodata
uses, with CSRF fetch and enforcement. Logon was checked by `SapGate` before routing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.sap.batch import has_changeset, parse_batch, run_batch
from mocks.sap.dispatch import WRITES, Call, Reply, handle
from mocks.sap.errors import CODES, SapError, csrf_required, not_found
from mocks.sap.limits import MAX_BATCH_BYTES, requested_client
from mocks.sap.odata.model import Service
from mocks.sap.schema import find_service
from mocks.sap.state import SapState

ROOT = "/sap/opu/odata/sap"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "MERGE", "DELETE"]
router = APIRouter()


def _state(request: Request) -> SapState:
    state: SapState = request.app.state.sap
    return state


def _origin(request: Request) -> str:
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


def _client(state: SapState, request: Request) -> str:
    return requested_client(request.scope) or str(state.settings.get("sap_client"))


def _csrf_fetch(state: SapState, request: Request, response: Response) -> None:
    """`X-CSRF-Token: Fetch`: the session's token, with a new session cookie if needed."""
    client = _client(state, request)
    name = state.auth.cookie_name(client)
    ttl = int(state.settings.get("csrf_ttl_seconds") or 1800)
    token, cookie, new = state.auth.fetch_csrf(request.cookies.get(name), ttl)
    response.headers["x-csrf-token"] = token
    if new:
        response.set_cookie(name, cookie, path="/", httponly=True)
        response.set_cookie("sap-usercontext", f"sap-client={client}", path="/")


def _csrf_valid(state: SapState, request: Request) -> bool:
    ttl = int(state.settings.get("csrf_ttl_seconds") or 1800)
    return state.auth.csrf_ok(
        request.headers.get("x-csrf-token"), request.cookies, _client(state, request), ttl
    )


def _response(reply: Reply, head: bool = False) -> Response:
    return Response(b"" if head else reply.body, reply.status, reply.headers)


def _error(state: SapState, service: str, error: SapError) -> Response:
    return error.response(service, state.ctx.store.now())


async def _serve(request: Request, service_name: str, path: str) -> Response:
    state = _state(request)
    service = find_service(service_name)
    method = request.method.upper()
    override = request.headers.get("x-http-method", "").upper()
    if method == "POST" and override in ("MERGE", "PATCH", "PUT", "DELETE"):
        method = override
    if service is None:
        return _error(
            state,
            service_name,
            SapError(
                404,
                "/IWFND/MED/170",
                f"No service found for namespace '/SAP/', name '{service_name.upper()}',"
                " version '0001'",
            ),
        )
    body = await request.body()
    if path.strip("/") == "$batch":
        return _batch(state, request, service, body)
    if method in WRITES and not _csrf_valid(state, request):
        return csrf_required()
    call = Call(
        method,
        service,
        path,
        dict(request.query_params),
        {k.lower(): v for k, v in request.headers.items()},
        body,
        _origin(request),
    )
    try:
        reply = handle(state, call)
    except SapError as exc:
        return _error(state, service.name, exc)
    response = _response(reply, head=method == "HEAD")
    if method in ("GET", "HEAD") and request.headers.get("x-csrf-token", "").lower() == "fetch":
        _csrf_fetch(state, request, response)
    return response


def _batch(state: SapState, request: Request, service: Service, body: bytes) -> Response:
    if request.method.upper() != "POST":
        return _error(state, service.name, not_found("$batch"))
    if len(body) > MAX_BATCH_BYTES:
        too_big = SapError(413, CODES["bad_request"], "The $batch request is too large")
        return _error(state, service.name, too_big)
    try:
        parts = parse_batch(
            body, request.headers.get("content-type", ""), service, _origin(request)
        )
    except SapError as exc:
        return _error(state, service.name, exc)
    if has_changeset(parts) and not _csrf_valid(state, request):
        return csrf_required()
    content, content_type = run_batch(state, service, parts)
    return Response(content, 202, {"content-type": content_type, "dataserviceversion": "2.0"})


async def service_root(request: Request, service: str) -> Response:
    return await _serve(request, service, "")


async def service_resource(request: Request, service: str, resource: str) -> Response:
    raw = request.scope.get("raw_path", b"").decode("latin-1")
    prefix = f"{ROOT}/{service}/"
    # the resource as sent: the key predicates stay percent-encoded until parsed
    resource = raw[len(prefix) :] if raw.lower().startswith(prefix.lower()) else resource
    return await _serve(request, service, resource)


# One route per method, so each operation has an id of its own in the app's OpenAPI document
# (the fuzz tests read it; one route with many methods would repeat the id).
for _method in METHODS:
    router.add_api_route(ROOT + "/{service}", service_root, methods=[_method],
                         name=f"service_root_{_method.lower()}")  # fmt: skip
    router.add_api_route(ROOT + "/{service}/{resource:path}", service_resource,
                         methods=[_method], name=f"service_resource_{_method.lower()}")  # fmt: skip


__all__ = ["ROOT", "router"]
