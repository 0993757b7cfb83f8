"""The `netsuite` SDK (0.12.0), unchanged but for its host, against the mock over HTTPS.

The SDK hard-codes its host; `LoopbackRestApi` (`tests.fidelity.netsuite_sdk`) only
overrides `_make_hostname`. The SDK opens a fresh `httpx.AsyncClient()` per request, so the
mock's CA reaches it through `SSL_CERT_FILE`, which httpx 0.27 reads when `trust_env` is on
(its default) and `verify` is left at True.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import orjson
import pytest
from netsuite import TokenAuth
from netsuite.exceptions import NetsuiteAPIRequestError

from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.netsuite_sdk import (
    GOOD_AUTH,
    SDK_MARKS,
    LoopbackRestApi,
    netsuite_server,
    run,
    sdk_client,
)

pytestmark = SDK_MARKS
CUSTOMER = "/record/v1/customer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, TlsMaterial]]:
    with netsuite_server(tmp_path_factory.mktemp("netsuite-tls")) as served:
        yield served


@pytest.fixture
def connect(
    server: tuple[RunningServer, TlsMaterial], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., LoopbackRestApi]:
    """Build SDK clients for the mock (with other credentials when asked)."""

    def make(auth: TokenAuth = GOOD_AUTH) -> LoopbackRestApi:
        return sdk_client(*server, monkeypatch, auth)

    return make


@pytest.fixture
def api(connect: Callable[..., LoopbackRestApi]) -> LoopbackRestApi:
    return connect()


def _customer(name: str, **fields: Any) -> dict[str, Any]:
    return {"companyName": name, "subsidiary": {"id": "1"}, **fields}


def _create(api: LoopbackRestApi, body: dict[str, Any]) -> str:
    response = run(lambda: api.request("POST", CUSTOMER, json=body))
    assert response.status_code == 204, response.text
    return str(response.headers["Location"]).rsplit("/", 1)[1]


def _failure(call: Callable[[], Awaitable[Any]]) -> tuple[int, dict[str, Any]]:
    with pytest.raises(NetsuiteAPIRequestError) as caught:
        run(call)
    body: dict[str, Any] = orjson.loads(caught.value.response_text)
    return caught.value.status_code, body["o:errorDetails"][0]


def test_post_returns_none_and_request_reads_the_location(
    api: LoopbackRestApi, server: tuple[RunningServer, TlsMaterial]
) -> None:
    assert run(lambda: api.post(CUSTOMER, json=_customer("Posted Co"))) is None
    response = run(lambda: api.request("POST", CUSTOMER, json=_customer("Requested Co")))
    assert response.status_code == 204
    location = response.headers["Location"]
    assert location.startswith(f"{server[0].url}/services/rest/record/v1/customer/")


def test_get_one_and_the_list(api: LoopbackRestApi) -> None:
    new_id = _create(api, _customer("Readable Co", email="ap@readable.example"))
    record = run(lambda: api.get(f"{CUSTOMER}/{new_id}", params={"expandSubResources": "true"}))
    assert record["companyName"] == "Readable Co"
    assert record["subsidiary"]["refName"] == "Harness Parent Inc."
    listing = run(lambda: api.get(CUSTOMER, params={"q": 'companyName IS "Readable Co"'}))
    assert [item["id"] for item in listing["items"]] == [new_id]
    assert listing["totalResults"] == 1 and listing["hasMore"] is False


def test_patch_updates(api: LoopbackRestApi) -> None:
    new_id = _create(api, _customer("Patchable Co"))
    assert run(lambda: api.patch(f"{CUSTOMER}/{new_id}", json={"phone": "555-0199"})) is None
    assert run(lambda: api.get(f"{CUSTOMER}/{new_id}"))["phone"] == "555-0199"


def test_put_on_external_id_creates_then_updates(api: LoopbackRestApi) -> None:
    path = f"{CUSTOMER}/eid:SDK-UPSERT-1"
    created = run(lambda: api.request("PUT", path, json=_customer("Upserted Co")))
    assert created.status_code == 204
    assert run(lambda: api.put(path, json={"companyName": "Upserted Co 2"})) is None
    record = run(lambda: api.get(path))
    assert record["companyName"] == "Upserted Co 2"
    assert created.headers["Location"].endswith(f"/customer/{record['id']}")


def test_delete_then_get_is_nonexistent(api: LoopbackRestApi) -> None:
    new_id = _create(api, _customer("Doomed Co"))
    assert run(lambda: api.delete(f"{CUSTOMER}/{new_id}")) is None
    status, detail = _failure(lambda: api.get(f"{CUSTOMER}/{new_id}"))
    assert (status, detail["o:errorCode"]) == (404, "NONEXISTENT_ID")


def test_suiteql_pages(api: LoopbackRestApi) -> None:
    async def create_many() -> None:
        bodies = [_customer(f"Paged Co {i:02d}") for i in range(25)]
        await asyncio.gather(*(api.post(CUSTOMER, json=body) for body in bodies))

    run(create_many)
    query = "SELECT id, companyname FROM customer WHERE companyname LIKE 'Paged Co %' ORDER BY id"
    names: list[str] = []
    for offset in (0, 10, 20):
        page = run(lambda offset=offset: api.suiteql(query, limit=10, offset=offset))
        assert page["totalResults"] == 25 and page["offset"] == offset
        assert page["hasMore"] is (offset < 20)
        names += [row["companyname"] for row in page["items"]]
    assert sorted(names) == [f"Paged Co {i:02d}" for i in range(25)]


def test_jsonschema_and_openapi(api: LoopbackRestApi) -> None:
    schema = run(lambda: api.jsonschema("customer"))
    assert schema["type"] == "object" and "subsidiary" in schema["required"]
    assert schema["properties"]["companyName"]["maxLength"] == 83
    spec = run(lambda: api.openapi(["customer"]))
    assert set(spec["components"]["schemas"]) == {"customer"}


def test_bad_credentials_are_401(connect: Callable[..., LoopbackRestApi]) -> None:
    intruder = connect(GOOD_AUTH.model_copy(update={"token_id": "stolen-token"}))
    status, detail = _failure(lambda: intruder.get(CUSTOMER))
    assert (status, detail["o:errorCode"]) == (401, "INVALID_LOGIN")


def test_unknown_field_is_400_because_the_sdk_asks_for_name_validation(
    api: LoopbackRestApi,
) -> None:
    status, detail = _failure(lambda: api.post(CUSTOMER, json=_customer("X", shoeSize=42)))
    assert (status, detail["o:errorCode"], detail["o:errorPath"]) == (
        400,
        "INVALID_CONTENT",
        "shoeSize",
    )


def test_missing_required_is_400(api: LoopbackRestApi) -> None:
    status, detail = _failure(lambda: api.post(CUSTOMER, json={"companyName": "No Sub"}))
    assert (status, detail["o:errorCode"]) == (400, "USER_ERROR")
    assert detail["detail"] == "Please enter value(s) for: Subsidiary"


def test_over_long_value_is_400(api: LoopbackRestApi) -> None:
    status, detail = _failure(lambda: api.post(CUSTOMER, json=_customer("L" * 84)))
    assert status == 400 and "83" in detail["detail"]


def test_malformed_json_is_400(api: LoopbackRestApi) -> None:
    raw = run(lambda: api.request("POST", CUSTOMER, content=b'{"companyName": '))
    assert raw.status_code == 400
    assert raw.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_CONTENT"
    status, detail = _failure(lambda: api.post(CUSTOMER, content=b"{not json"))
    assert (status, detail["o:errorCode"]) == (400, "INVALID_CONTENT")


def test_unknown_id_is_404(api: LoopbackRestApi) -> None:
    status, detail = _failure(lambda: api.get(f"{CUSTOMER}/987654"))
    assert (status, detail["o:errorCode"]) == (404, "NONEXISTENT_ID")
