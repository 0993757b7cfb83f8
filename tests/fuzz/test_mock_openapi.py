"""Property: every operation each mock publishes in its OpenAPI (the admin API under
`/__harness/`, and the vendor routes a pack declares) answers any request schemathesis
generates from that document with a valid HTTP answer: never a 500, a JSON body where JSON is
said, and a body matching the declared schema where one is declared.

The mocks serve no `/openapi.json` (the vendors do not), so the document comes from the app
object; requests go in process. Admin calls carry the admin token and NetSuite's routes an
OAuth 1.0a signature, so the fuzz reaches past authentication; path parameters naming an
object or a record are steered to ones the seeded store holds, so it reaches past 404s too.
Bounded and derandomized: a few examples per operation, the same ones on every run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.testclient import TestClient

from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.registry import known_mocks, mock_pack
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from sync.connectors.base import ConnectionSettings
from sync.connectors.netsuite.auth import TokenBasedAuth

ADMIN_TOKEN = "fuzz-admin-token"
BASE_URL = "https://testserver"
OBJECT_PARAMS = ("record_type", "obj", "object", "sobject")
RECORD_PARAMS = ("key", "record_id", "id")
STATEFUL = ("/faults", "/settings", "/traps")
BOUNDED = settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
Signer = Callable[[httpx.Request], None]


def _signer(vendor: str, credentials: dict[str, str], options: dict[str, Any]) -> Signer:
    """How a vendor route is authenticated (NetSuite: OAuth 1.0a over the final URL); a
    vendor without a signer here is fuzzed unauthenticated, its refusals checked alike."""
    if vendor != "netsuite":
        return lambda _request: None
    settings_ = ConnectionSettings(vendor, BASE_URL, credentials, options=options)
    auth = TokenBasedAuth(settings_)
    return lambda request: request.headers.update(auth.headers(request.method, str(request.url)))


class Mock:
    """One seeded mock app, its OpenAPI as schemathesis reads it, and how to call it."""

    def __init__(self, name: str) -> None:
        pack = mock_pack(name)
        credentials = {key: f"fuzz-{key}" for key in pack.credentials}
        self.app: FastAPI = pack.build_app(credentials, ADMIN_TOKEN)
        crm, erp = (name, DEFAULT_ERP) if pack.role == "crm" else (DEFAULT_CRM, name)
        self.world = WorldSettings(seed=7, accounts=5, crm=crm, erp=erp)
        self.app.state.mock.seed(self.world)
        # Fixed for the run, so every example draws from the same choices (a record that a
        # fuzzed DELETE removed answers 404, which is fine).
        self.ids = self._records()
        self.schema = schemathesis.openapi.from_dict(self.app.openapi())
        self.client = TestClient(self.app, base_url=BASE_URL, raise_server_exceptions=False)
        self.sign = _signer(name, credentials, dict(pack.connector_options))

    def _records(self) -> dict[str, list[str]]:
        """Object name -> record ids the store holds now."""
        objects = self.app.state.mock.store.snapshot(None)["objects"]
        return {obj: [r["id"] for r in rows] for obj, rows in objects.items()}

    def send(self, case: Any) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        body = kwargs.get("data")
        request = self.client.build_request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            json=kwargs.get("json"),
            content=body if isinstance(body, bytes | str) else None,
        )
        if request.url.path.startswith(ADMIN_PREFIX):
            request.headers[TOKEN_HEADER] = ADMIN_TOKEN
        else:
            self.sign(request)
        return self.client.send(request)

    def undo(self, path: str) -> None:
        """Put back what an admin call changed that would fail later examples on purpose (a
        fault plan of 500s) or change their choices (an emptied or reseeded store)."""
        if path in (f"{ADMIN_PREFIX}/reset", f"{ADMIN_PREFIX}/seed"):
            self.app.state.mock.seed(self.world)
        if path.startswith(ADMIN_PREFIX) and path.endswith(STATEFUL):
            for undo in ("/faults", "/settings"):
                self.client.delete(ADMIN_PREFIX + undo, headers={TOKEN_HEADER: ADMIN_TOKEN})


def _operations() -> list[Any]:
    """(vendor, method, path) of every operation each registered mock's OpenAPI declares."""
    found = []
    for name in known_mocks():
        for path, item in Mock(name).app.openapi()["paths"].items():
            for method in item:
                label = f"{name} {method.upper()} {path}"
                found.append(pytest.param(name, method.upper(), path, id=label))
    return found


_MOCKS: dict[str, Mock] = {}


def _mock(name: str) -> Mock:
    if name not in _MOCKS:
        _MOCKS[name] = Mock(name)
    return _MOCKS[name]


def _steer(case: Any, data: st.DataObject, records: dict[str, list[str]]) -> None:
    """Point path parameters that name an object or a record at ones the store holds (half
    the time: the other half keeps schemathesis's own values, for the 404 paths)."""
    params = case.path_parameters or {}
    objects = [o for o in records if records[o]]
    if not objects or not data.draw(st.booleans(), label="steer"):
        return
    obj = data.draw(st.sampled_from(objects), label="object")
    for name in params:
        if name in OBJECT_PARAMS:
            params[name] = obj
        elif name in RECORD_PARAMS:
            params[name] = data.draw(st.sampled_from(records[obj]), label="record")


def _valid_http(response: httpx.Response) -> None:
    assert 100 <= response.status_code <= 599, response.status_code
    if "json" in response.headers.get("content-type", "") and response.content:
        orjson.loads(response.content)  # a body said to be JSON is JSON


@pytest.mark.parametrize(("vendor", "method", "path"), _operations())
def test_every_declared_operation_answers_without_a_server_error(
    vendor: str, method: str, path: str
) -> None:
    mock = _mock(vendor)
    operation = mock.schema[path][method]

    @BOUNDED
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(), label="case")
        _steer(case, data, mock.ids)
        response = mock.send(case)
        try:
            _valid_http(response)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        finally:
            mock.undo(path)

    check()


def test_an_admin_edit_no_answer_could_carry_is_a_400_and_the_record_stays_readable() -> None:
    """Found by the fuzz: an integer past 64 bits was stored, and every later answer about
    the record (the edit itself, snapshots) was a 500."""
    mock = _mock("salesforce")
    obj = "Account"
    record = mock.ids[obj][0]
    headers = {TOKEN_HEADER: ADMIN_TOKEN}
    path = f"{ADMIN_PREFIX}/records/{obj}/{record}"
    refused = mock.client.patch(path, headers=headers, json={"Name": 2**70})
    assert refused.status_code == 400, refused.text
    assert "cannot store this body" in refused.json()["detail"]
    snapshot = mock.client.get(f"{ADMIN_PREFIX}/snapshot", params={"objects": obj}, headers=headers)
    assert snapshot.status_code == 200
