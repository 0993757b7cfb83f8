"""`$batch` on the wire: 202 multipart/mixed, change sets that succeed or fail whole (one
single error response, nothing kept), queries outside change sets, `Content-ID` references,
CSRF for change sets, and the trap that fails a change set on its Nth operation."""

from __future__ import annotations

import json
from email.parser import Parser
from typing import Any

from mocks.sap.batch import parse_batch
from mocks.sap.schema import SERVICES
from tests.mocks.sap.support import ADMIN, BP, TestClient

BATCH = f"{BP}/$batch"


def _request(method: str, path: str, body: Any = None, content_id: str | None = None) -> str:
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n"
    if content_id:
        head += f"Content-ID: {content_id}\r\n"
    text = f"{head}\r\n{method} {path} HTTP/1.1\r\nAccept: application/json\r\n"
    if body is not None:
        text += "Content-Type: application/json\r\n"
    return text + "\r\n" + (json.dumps(body) if body is not None else "") + "\r\n"


def _batch(*parts: str) -> str:
    return "\r\n" + "".join(f"--batch_1\r\n{p}" for p in parts) + "--batch_1--"


def _changeset(*requests: str) -> str:
    inner = "".join(f"--changeset_1\r\n{r}" for r in requests)
    return f"Content-Type: multipart/mixed;boundary=changeset_1\r\n\r\n{inner}--changeset_1--\r\n"


def _send(client: TestClient, body: str, **headers: str) -> Any:
    return client.post(
        BATCH,
        content=body.encode(),
        headers={"Content-Type": "multipart/mixed;boundary=batch_1", **headers},
    )


def _parts(response: Any) -> list[Any]:
    assert response.status_code == 202, response.text
    assert response.headers["content-type"].startswith("multipart/mixed")
    message = Parser().parsestr(
        f"Content-Type: {response.headers['content-type']}\n\n{response.text}"
    )
    return list(message.get_payload())


def _status(part: Any) -> int:
    return int(str(part.get_payload()).split(" ", 2)[1])


def _partner(name: str) -> dict[str, str]:
    return {"BusinessPartnerCategory": "2", "OrganizationBPName1": name}


def test_changeset_and_query_succeed(client: TestClient) -> None:
    body = _batch(
        _changeset(
            _request("POST", "A_BusinessPartner", _partner("A")),
            _request("POST", "A_BusinessPartner", _partner("B")),
        ),
        _request("GET", "A_BusinessPartner?$top=5&$inlinecount=allpages"),
    )
    changeset, query = _parts(_send(client, body))
    assert [_status(p) for p in changeset.get_payload()] == [201, 201]
    assert _status(query) == 200
    payload = str(query.get_payload())
    assert json.loads(payload[payload.index("{") :])["d"]["__count"] == "2"


def test_failed_changeset_is_one_error_and_keeps_nothing(client: TestClient) -> None:
    body = _batch(
        _changeset(
            _request("POST", "A_BusinessPartner", _partner("A")),
            _request("POST", "A_BusinessPartner", _partner("B" * 41)),
            _request("POST", "A_BusinessPartner", _partner("C")),
        )
    )
    (single,) = _parts(_send(client, body))
    assert not single.is_multipart()  # one response for the whole change set
    assert _status(single) == 400
    assert "OrganizationBPName1" in str(single.get_payload())
    assert client.get(f"{BP}/A_BusinessPartner/$count").text == "0"


def test_content_id_references_an_entity_created_earlier(client: TestClient) -> None:
    body = _batch(
        _changeset(
            _request("POST", "A_BusinessPartner", _partner("A"), content_id="1"),
            _request("POST", "$1/to_BusinessPartnerAddress", {"CityName": "Oslo"}, content_id="2"),
        )
    )
    (changeset,) = _parts(_send(client, body))
    assert [_status(p) for p in changeset.get_payload()] == [201, 201]
    rows = client.get(f"{BP}/A_BusinessPartnerAddress").json()["d"]["results"]
    assert [(r["BusinessPartner"], r["CityName"]) for r in rows] == [("10000000", "Oslo")]


def test_changeset_needs_csrf_but_queries_do_not(client: TestClient) -> None:
    query_only = _batch(_request("GET", "A_BusinessPartner"))
    assert _send(client, query_only, **{"X-CSRF-Token": "wrong"}).status_code == 202
    writes = _batch(_changeset(_request("POST", "A_BusinessPartner", _partner("A"))))
    refused = _send(client, writes, **{"X-CSRF-Token": "wrong"})
    assert refused.status_code == 403 and refused.headers["x-csrf-token"] == "Required"


def test_changeset_failure_trap_fails_the_third_operation(client: TestClient) -> None:
    trap = {"trap": "changeset_failure", "nth": 3, "times": 1}
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    ops = [_request("POST", "A_BusinessPartner", _partner(n)) for n in "ABCD"]
    (single,) = _parts(_send(client, _batch(_changeset(*ops))))
    assert _status(single) == 400 and "locked" in str(single.get_payload())
    assert client.get(f"{BP}/A_BusinessPartner/$count").text == "0"
    (ok,) = _parts(_send(client, _batch(_changeset(*ops))))  # the trap fired its one time
    assert [_status(p) for p in ok.get_payload()] == [201, 201, 201, 201]


def _sap_message(part: Any) -> dict[str, Any] | None:
    """The `sap-message` header of one change-set answer, parsed, or None."""
    head = str(part.get_payload()).split("\r\n\r\n", 1)[0]
    for line in head.splitlines()[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "sap-message":
            found: dict[str, Any] = json.loads(value.strip())
            return found
    return None


def test_write_warning_trap_applies_the_write_and_warns_once(client: TestClient) -> None:
    trap = {"trap": "write_warning", "object": "A_BusinessPartner", "times": 1}
    answer = client.post("/__harness/sap/traps", json=trap, headers=ADMIN)
    assert answer.status_code == 200 and answer.json()["facts"]["code"]
    ops = [_request("POST", "A_BusinessPartner", _partner(n)) for n in "AB"]
    (changeset,) = _parts(_send(client, _batch(_changeset(*ops))))
    first, second = changeset.get_payload()
    assert (_status(first), _status(second)) == (201, 201)  # applied, both of them
    warning = _sap_message(first)
    assert warning is not None and warning["severity"] == "warning"
    assert warning["message"] == answer.json()["facts"]["message"]
    assert _sap_message(second) is None  # the trap warned its one time
    assert client.get(f"{BP}/A_BusinessPartner/$count").text == "2"


def test_a_rolled_back_write_does_not_spend_the_warning(client: TestClient) -> None:
    trap = {"trap": "write_warning", "object": "A_BusinessPartner", "times": 1}
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    failing = [
        _request("POST", "A_BusinessPartner", _partner("A")),
        _request("POST", "A_BusinessPartner", _partner("B" * 41)),
    ]  # too long: refused
    (single,) = _parts(_send(client, _batch(_changeset(*failing))))
    assert _status(single) == 400
    (changeset,) = _parts(_send(client, _batch(_changeset(
        _request("POST", "A_BusinessPartner", _partner("C"))))))  # fmt: skip
    (applied,) = changeset.get_payload()
    warning = _sap_message(applied)
    assert _status(applied) == 201 and warning is not None  # the one warning, still owed


def test_write_warning_trap_refuses_a_bad_request(client: TestClient) -> None:
    for body in ({"object": "NoSuchSet"}, {"object": "A_BusinessPartner", "times": 0}):
        answer = client.post("/__harness/sap/traps", json={"trap": "write_warning", **body},
                             headers=ADMIN)  # fmt: skip
        assert answer.status_code == 400, body


def test_parse_batch_reads_pyodata_spelling() -> None:
    body = _batch(_changeset(_request("PATCH", "A_BusinessPartner('1')", {"SearchTerm1": "X"})))
    (part,) = parse_batch(
        body.encode(),
        "multipart/mixed;boundary=batch_1",
        SERVICES["API_BUSINESS_PARTNER"],
        "https://h",
    )
    assert part.changeset is not None
    _, call = part.changeset[0]
    assert (call.method, call.path, json.loads(call.body)) == (
        "PATCH",
        "A_BusinessPartner('1')",
        {"SearchTerm1": "X"},
    )


def test_partial_batch_fault_fails_the_changeset_whole(client: TestClient) -> None:
    plan = {
        "version": 1,
        "rules": [
            {
                "name": "cs",
                "match": {"vendor": "sap", "kind": "write"},
                "effect": {
                    "type": "partial_batch",
                    "count": 2,
                    "code": "R1/113",
                    "message": "Partner is locked",
                },
            }
        ],
    }
    assert client.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    ops = [_request("POST", "A_BusinessPartner", _partner(n)) for n in "AB"]
    (single,) = _parts(_send(client, _batch(_changeset(*ops))))
    assert _status(single) == 400 and "Partner is locked" in str(single.get_payload())
    assert client.get(f"{BP}/A_BusinessPartner/$count").text == "0"
    client.delete("/__harness/faults", headers=ADMIN)
    (ok,) = _parts(_send(client, _batch(_changeset(*ops))))
    assert [_status(p) for p in ok.get_payload()] == [201, 201]


def test_inner_requests_may_use_absolute_and_rooted_urls(client: TestClient) -> None:
    body = _batch(
        _request("GET", f"https://testserver{BP}/A_BusinessPartner?$top=1"),
        _request("GET", f"{BP}/A_BusinessPartner/$count"),
    )
    absolute, rooted = _parts(_send(client, body))
    assert _status(absolute) == 200 and _status(rooted) == 200
    assert str(rooted.get_payload()).rstrip().endswith("\n0")
