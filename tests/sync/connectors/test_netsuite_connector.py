"""NetSuite specifics beyond the battery: TBA signing, concurrency limit, SuiteQL cap, shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx
import orjson
import pytest

from sync.errors import ConfigError

from .conftest import Kit


class Recorder(httpx.BaseTransport):
    """Keeps every request that passes through, then delegates."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)


def record(kit: Kit) -> Recorder:
    recorder = Recorder(kit.client._transport)
    kit.client._transport = recorder
    return recorder


def _enc(text: str) -> str:
    return quote(text, safe="~-._")


def expected_signature(request: httpx.Request, oauth: dict[str, str]) -> str:
    """RFC 5849 section 3.4 written out independently, with SHA-256 as NetSuite uses."""
    url = urlsplit(str(request.url))
    params = [(k, v) for k, v in oauth.items() if k not in ("realm", "oauth_signature")]
    params += parse_qsl(url.query, keep_blank_values=True)
    encoded = sorted((_enc(k), _enc(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    base_uri = f"{url.scheme}://{url.hostname}{f':{url.port}' if url.port else ''}{url.path}"
    base = "&".join([request.method, _enc(base_uri), _enc(normalized)])
    key = f"{_enc('harness-ns-consumer-secret')}&{_enc('harness-ns-token-secret')}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()).decode()


def oauth_params(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "OAuth"
    pairs = (part.strip().split("=", 1) for part in rest.split(","))
    return {k: unquote(v.strip('"')) for k, v in pairs}


def test_requests_carry_a_valid_hmac_sha256_tba_header(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    recorder = record(netsuite_kit)
    conn.upsert("customer", "externalId", [netsuite_kit.record("SIG-1")])
    list(conn.read("customer"))
    assert len(recorder.requests) >= 3
    for request in recorder.requests:
        params = oauth_params(request.headers["authorization"])
        assert params["realm"] == "1234567_SB1"
        assert params["oauth_signature_method"] == "HMAC-SHA256"
        assert params["oauth_consumer_key"] == "harness-ns-consumer"
        assert params["oauth_token"] == "harness-ns-token"
        assert params["oauth_signature"] == expected_signature(request, params)


def test_upsert_strips_external_id_and_asks_for_strict_names(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    recorder = record(netsuite_kit)
    conn.upsert("customer", "externalId", [netsuite_kit.record("ACME 1&2")])
    (put,) = [r for r in recorder.requests if r.method == "PUT"]
    assert put.url.raw_path == b"/services/rest/record/v1/customer/eid:ACME%201%262"
    assert put.headers["x-netsuite-propertynamevalidation"] == "error"
    assert "externalId" not in orjson.loads(put.content)
    assert set(conn.get_by_external_id("customer", "externalId", ["ACME 1&2"])) == {"ACME 1&2"}


def test_references_read_as_id_and_ref_name_without_links(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    conn.upsert("customer", "externalId", [netsuite_kit.record("REF-1")])
    (page,) = list(conn.read("customer"))
    fields = page[0].fields
    assert (fields["subsidiary"], fields["subsidiary_refName"]) == ("1", "Harness Parent Inc.")
    assert isinstance(fields["addressBook"], list)  # a sublist reads as its lines
    assert b"links" not in orjson.dumps(fields)


def test_plain_and_wire_bodies_are_sent_as_the_same_wire_json(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    recorder = record(netsuite_kit)
    plain = {
        "externalId": "PW-1",
        "companyName": "Plain Co",
        "subsidiary": "1",
        "subsidiary_refName": "ignored on write",
        "addressBook": [{"defaultBilling": True, "addressBookAddress": {"city": "Leeds"}}],
    }
    wire = {"externalId": "PW-2", "companyName": "Plain Co", "subsidiary": {"id": "1"},
            "addressBook": {"items": [{"defaultBilling": True,
                                       "addressBookAddress": {"city": "Leeds"}}]}}  # fmt: skip
    results = conn.upsert("customer", "externalId", [plain, wire])
    assert all(r.ok for r in results), results
    bodies = [orjson.loads(r.content) for r in recorder.requests if r.method == "PUT"]
    assert bodies == [
        {"companyName": "Plain Co", "subsidiary": {"id": "1"},
         "addressBook": {"items": [{"defaultBilling": True,
                                    "addressBookAddress": {"city": "Leeds"}}]}},
    ] * 2  # fmt: skip
    found = conn.get_by_external_id("customer", "externalId", ["PW-1", "PW-2"])
    for key in ("PW-1", "PW-2"):
        fields = found[key].fields
        assert (fields["subsidiary"], fields["subsidiary_refName"]) == ("1", "Harness Parent Inc.")
        assert fields["addressBook"][0]["addressBookAddress"]["city"] == "Leeds"


def test_read_with_fields_keeps_only_those(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    conn.upsert("customer", "externalId", [netsuite_kit.record("F-1")])
    (page,) = list(conn.read("customer", fields=["companyName"]))
    assert set(page[0].fields) == {"id", "companyName"}


def test_concurrency_limit_429s_are_retried(netsuite_kit: Kit) -> None:
    netsuite_kit.app.state.mock.settings["max_concurrent"] = 1
    conn = netsuite_kit.connector(concurrency=4, max_retries=40)
    keys = [f"CC-{i:02d}" for i in range(16)]
    results = conn.upsert("customer", "externalId", [netsuite_kit.record(k) for k in keys])
    assert [r.key for r in results] == keys
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    found = conn.get_by_external_id("customer", "externalId", keys)
    assert set(found) == set(keys)
    assert conn.http.stats.retries > 0  # type: ignore[attr-defined]


def test_keyset_paging_reads_ties_across_pages_once_each_in_order(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector(page_size=2)
    expected = set()
    for group, size in enumerate([3, 5, 4, 2]):  # a tie group straddles page ends
        results = conn.upsert(
            "customer", "externalId", [netsuite_kit.record(f"TIE-{group}-{i}") for i in range(size)]
        )
        expected |= {r.id for r in results}
        netsuite_kit.clock.tick()
    recorder = record(netsuite_kit)
    keys = [(r.modified_at, r.id) for page in conn.read("customer") for r in page]
    assert keys == sorted(keys)
    assert {rid for _, rid in keys} == expected and len(keys) == len(expected)
    queries = [r for r in recorder.requests if r.url.path.endswith("/suiteql")]
    assert {r.url.params["offset"] for r in queries} == {"0"}  # never by offset


def test_many_records_in_one_second_page_through_without_a_cap(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector(page_size=2)
    conn.upsert("customer", "externalId", [netsuite_kit.record(f"JAM-{i}") for i in range(7)])
    assert sum(len(page) for page in conn.read("customer")) == 7


def test_records_deleted_mid_read_do_not_make_the_reader_skip_live_ones(
    netsuite_kit: Kit,
) -> None:
    """NetSuite's offset paging drift: rows deleted from pages already served shift the rest
    left under the offset. The keyset reader serves every record still live."""
    conn = netsuite_kit.connector(page_size=2)
    for i in range(9):  # one second each, so pages end where the server's pages end
        conn.upsert("customer", "externalId", [netsuite_kit.record(f"DRIFT-{i}")])
        netsuite_kit.clock.tick()
    pages = conn.read("customer")
    first = next(pages)
    assert len(first) < 9
    deleter = netsuite_kit.connector()  # another client deletes behind the reader
    assert all(r.ok for r in deleter.delete("customer", [rec.id for rec in first]))
    rest = [r.id for page in pages for r in page]
    live = {r.id for page in conn.read("customer") for r in page}
    assert live == set(rest) and len(live) == 9 - len(first)


def test_upsert_without_external_id_is_refused_locally(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    conn.describe("customer")  # the type's schema (how to write it) is known: nothing to read
    recorder = record(netsuite_kit)
    (result,) = conn.upsert("customer", "externalId", [{"companyName": "No key"}])
    assert (result.ok, result.error_code) == (False, "MISSING_EXTERNAL_ID")
    assert recorder.requests == []


def test_only_external_id_can_key_upserts(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    with pytest.raises(ConfigError, match="externalId"):
        conn.upsert("customer", "email", [{"email": "a@b.c"}])


def test_update_of_a_missing_record_is_a_record_failure(netsuite_kit: Kit) -> None:
    conn = netsuite_kit.connector()
    (result,) = conn.update("customer", [("999", {"companyName": "Ghost"})])
    assert (result.ok, result.error_code, result.retryable) == (False, "NONEXISTENT_ID", False)


def test_asking_which_ids_exist_fetches_one_field_a_record_not_its_sublists(
    netsuite_kit: Kit,
) -> None:
    conn = netsuite_kit.connector()
    records = [netsuite_kit.record(f"SLIM-{i}") for i in range(3)]
    ids = [r.id for r in conn.upsert("customer", "externalId", records)]
    recorder = record(netsuite_kit)
    assert set(conn.get_by_ids("customer", ids, fields=[])) == set(ids)
    gets = [r for r in recorder.requests if r.method == "GET"]
    assert len(gets) == 3
    assert all(dict(r.url.params) == {"fields": "lastModifiedDate"} for r in gets)
