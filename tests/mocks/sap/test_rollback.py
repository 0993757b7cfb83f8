"""A change set that rolls back leaves every record as it was, its version and ETag
included: a client that read an ETag before the failed change set updates with it."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.parser import Parser
from typing import Any

from tests.mocks.sap.support import ADMIN, BP, Clock, TestClient

Make = Callable[..., dict[str, Any]]
BATCH = f"{BP}/$batch"


def _op(method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append("Content-Type: application/json")
    payload = json.dumps(body) if body is not None else ""
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
    return head + "\r\n".join(lines) + "\r\n\r\n" + payload + "\r\n"


def _send_changeset(client: TestClient, *ops: str) -> int:
    """Send one change set in a `$batch`; the status of its single reply (a failure) or 200."""
    inner = "".join(f"--cs_1\r\n{op}" for op in ops)
    body = (
        "--batch_1\r\nContent-Type: multipart/mixed; boundary=cs_1\r\n\r\n"
        f"{inner}--cs_1--\r\n--batch_1--\r\n"
    )
    response = client.post(
        BATCH, content=body.encode(), headers={"Content-Type": "multipart/mixed;boundary=batch_1"}
    )
    assert response.status_code == 202, response.text
    message = Parser().parsestr(
        f"Content-Type: {response.headers['content-type']}\n\n{response.text}"
    )
    parts: list[Any] = list(message.get_payload())
    (part,) = parts
    if part.is_multipart():
        return 200
    return int(str(part.get_payload()).split(" ", 2)[1])


def _stored(client: TestClient, obj: str, record_id: str) -> dict[str, Any]:
    body = client.get("/__harness/snapshot", params={"objects": obj}, headers=ADMIN).json()
    (found,) = [r for r in body["objects"][obj] if r["id"] == record_id]
    return dict(found)


def test_rolled_back_update_keeps_the_etag_read_before(
    client: TestClient, make_partner: Make, clock: Clock
) -> None:
    partner = make_partner(SearchTerm1="BEFORE")["BusinessPartner"]
    url = f"A_BusinessPartner('{partner}')"
    read = client.get(f"{BP}/{url}")
    etag, before = read.headers["etag"], _stored(client, "A_BusinessPartner", partner)
    clock.tick(60)  # the failed write happens later: a moved stamp would show
    status = _send_changeset(
        client,
        _op("PATCH", url, {"SearchTerm1": "DURING"}, **{"If-Match": etag}),
        _op("POST", "A_BusinessPartner", {"BusinessPartnerCategory": "2",
                                          "OrganizationBPName1": "B" * 41}),
    )  # fmt: skip
    assert status == 400  # the second operation fails, so the PATCH is undone
    after = client.get(f"{BP}/{url}")
    assert after.headers["etag"] == etag
    assert after.json()["d"]["SearchTerm1"] == "BEFORE"
    restored = _stored(client, "A_BusinessPartner", partner)
    assert (restored["version"], restored["modified_at"]) == (
        before["version"],
        before["modified_at"],
    )
    later = client.patch(f"{BP}/{url}", json={"SearchTerm1": "AFTER"}, headers={"If-Match": etag})
    assert later.status_code == 204  # the ETag read before the rollback is still current


def test_trapped_changeset_rolls_back_two_writes_of_one_record(
    client: TestClient, make_partner: Make, clock: Clock
) -> None:
    partner = make_partner()["BusinessPartner"]
    url = f"A_BusinessPartner('{partner}')"
    etag = client.get(f"{BP}/{url}").headers["etag"]
    trap = {"trap": "changeset_failure", "nth": 3, "times": 1}
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    clock.tick(60)
    status = _send_changeset(
        client,
        _op("PATCH", url, {"SearchTerm1": "ONE"}),
        _op("PATCH", url, {"SearchTerm2": "TWO"}),
        _op("PATCH", url, {"SearchTerm1": "THREE"}),
    )
    assert status == 400
    assert client.get(f"{BP}/{url}").headers["etag"] == etag
    ok = client.patch(f"{BP}/{url}", json={"SearchTerm1": "X"}, headers={"If-Match": etag})
    assert ok.status_code == 204


def test_rolled_back_delete_restores_the_record_with_its_version(
    client: TestClient, make_partner: Make, clock: Clock
) -> None:
    partner = make_partner()["BusinessPartner"]
    made = client.post(
        f"{BP}/A_BusinessPartner('{partner}')/to_BusinessPartnerAddress", json={"CityName": "Oslo"}
    )
    assert made.status_code == 201, made.text
    address = made.json()["d"]["AddressID"]
    record_id = f"{partner}|{address}"
    path = f"A_BusinessPartnerAddress(BusinessPartner='{partner}',AddressID='{address}')"
    assert client.patch(f"{BP}/{path}", json={"CityName": "Bergen"}).status_code == 204
    before = _stored(client, "A_BusinessPartnerAddress", record_id)
    clock.tick(60)
    status = _send_changeset(
        client,
        _op("DELETE", path),
        _op("POST", "A_BusinessPartner", {"BusinessPartnerCategory": "9"}),
    )
    assert status == 400
    restored = _stored(client, "A_BusinessPartnerAddress", record_id)
    assert restored == before  # fields, version, creation and modification times
