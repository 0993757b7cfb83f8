"""The SAP connector against the SAP mock in process: the traps SAP sets that the conformance
battery does not reach. A CSRF token expiring mid-run, a change set failing on one of its
operations, a stale ETag, server paging by `__next`, and the calls a synced record costs."""

from __future__ import annotations

import math
from typing import Any

import httpx
import orjson
import pytest

from sync.connectors import Watermark
from sync.connectors.sap.connector import SapConnector
from sync.errors import VendorError

from .conftest import ADMIN_TOKEN, Kit

EXT = "BusinessPartnerIDByExtSystem"
OBJ = "Organization"
BATCH = "/$batch"


def tune(kit: Kit, **settings: Any) -> None:
    """Patch the mock's runtime settings through its admin API."""
    answer = kit.client.patch("/__harness/settings", json=settings,
                              headers={"X-Harness-Token": ADMIN_TOKEN})  # fmt: skip
    assert answer.status_code == 200, answer.text


def customers(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{EXT: f"{prefix}-{i:04d}", "OrganizationName": f"Company {prefix} {i}",
             "Address": {"CityName": "Springfield", "Country": "US",
                         "EmailAddress": f"{prefix.lower()}{i}@example.com"}}
            for i in range(count)]  # fmt: skip


def connector(kit: Kit, *, page_size: int | None = 5, **options: Any) -> SapConnector:
    conn = kit.connector(options=options, page_size=page_size)
    assert isinstance(conn, SapConnector)
    return conn


def stored_keys(kit: Kit) -> list[str]:
    """Every customer's external id as SAP holds them, read by a fresh connector."""
    reader = connector(kit)
    return [str(r.fields[EXT]) for page in reader.read(OBJ) for r in page]


def test_a_csrf_token_expiring_mid_run_is_renewed_and_nothing_is_lost_or_doubled(
    sap: Kit,
) -> None:
    tune(sap, csrf_ttl_seconds=60)
    conn = connector(sap, batch_size=10)
    batches: list[str] = []

    def expire_before_the_second_batch(method: str, url: str, _body: bytes | None) -> None:
        if method == "POST" and url.endswith(BATCH):
            batches.append(url)
            if len(batches) == 2:  # the token's session outlives its TTL mid-run
                sap.clock.advance(seconds=120)

    conn.http.observe(expire_before_the_second_batch)
    results = conn.upsert(OBJ, EXT, customers("CSRF", 30))
    assert all(r.ok and r.created for r in results), [r for r in results if not r.ok]
    assert conn.auth.csrf_fetches == 2  # fetched once, renewed once
    assert conn.http.stats.auth_refreshes == 1
    assert len(batches) == 4  # three pages, the one in flight sent again once
    keys = stored_keys(sap)
    assert sorted(keys) == sorted(f"CSRF-{i:04d}" for i in range(30))  # none lost, none twice


def test_a_token_refused_once_is_renewed_and_the_write_goes_through_once(sap: Kit) -> None:
    conn = connector(sap, batch_size=5)
    conn.upsert(OBJ, EXT, customers("FIRST", 5))
    plan = {"rules": [{"match": {"kind": ["write"]}, "when": {"nth": [1]},
                       "effect": {"type": "token_expiry"}}]}  # fmt: skip
    answer = sap.client.put("/__harness/faults", json=plan,
                            headers={"X-Harness-Token": ADMIN_TOKEN})  # fmt: skip
    assert answer.status_code == 200, answer.text
    results = conn.upsert(OBJ, EXT, customers("AFTER", 5))
    assert all(r.ok for r in results)
    assert sorted(stored_keys(sap)) == sorted(
        [f"FIRST-{i:04d}" for i in range(5)] + [f"AFTER-{i:04d}" for i in range(5)]
    )


def test_a_change_set_failing_on_one_operation_rolls_back_only_its_record(sap: Kit) -> None:
    conn = connector(sap)
    ids = {r.key: str(r.id) for r in conn.upsert(OBJ, EXT, customers("CS", 3))}
    conn.get_by_ids(OBJ, list(ids.values()))  # ETags and child paths, as a sync run has them
    tune(sap, changeset_fail_at=3, changeset_fail_times=1)
    changes: list[tuple[str, dict[str, Any]]] = [
        (ids["CS-0000"], {"OrganizationName": "Renamed 0"}),  # one operation
        (ids["CS-0001"], {"OrganizationName": "Renamed 1",  # BP, address, e-mail: three
                          "Address": {"CityName": "Shelbyville", "EmailAddress": "n@x.com"}}),
        (ids["CS-0002"], {"OrganizationName": "Renamed 2"}),
    ]  # fmt: skip
    results = conn.update(OBJ, changes)
    assert [r.ok for r in results] == [True, False, True]
    failed = results[1]
    assert failed.error_code and failed.message and not failed.retryable
    after = connector(sap).get_by_ids(OBJ, list(ids.values()))
    assert after[ids["CS-0000"]].fields["OrganizationName"] == "Renamed 0"
    assert after[ids["CS-0002"]].fields["OrganizationName"] == "Renamed 2"
    rolled_back = after[ids["CS-0001"]].fields
    assert rolled_back["OrganizationName"] == "Company CS 1"  # the whole change set undone
    assert rolled_back["Address"]["CityName"] == "Springfield"
    again = connector(sap).update(OBJ, [changes[1]])  # once the fault is spent, it lands
    assert again[0].ok, again


def test_a_refused_record_names_sap_reason_and_field_and_leaves_the_batch(sap: Kit) -> None:
    conn = connector(sap)
    batch = customers("BAD", 3)
    batch[1]["Address"] = {**batch[1]["Address"], "PostalCode": "9" * 11}
    results = conn.upsert(OBJ, EXT, batch)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].fields == ("PostalCode",)
    assert "PostalCode" in (results[1].message or "")
    assert sorted(stored_keys(sap)) == ["BAD-0000", "BAD-0002"]


def test_a_stale_etag_is_a_conflict_not_an_overwrite(sap: Kit) -> None:
    ours, theirs = connector(sap), connector(sap)
    (created,) = ours.upsert(OBJ, EXT, customers("ETAG", 1))
    record_id = str(created.id)
    ours.get_by_ids(OBJ, [record_id])
    theirs.get_by_ids(OBJ, [record_id])
    assert theirs.update(OBJ, [(record_id, {"OrganizationName": "Changed in SAP"})])[0].ok
    (stale,) = ours.update(OBJ, [(record_id, {"OrganizationName": "Changed by the CRM"})])
    assert (stale.ok, stale.error_code, stale.retryable) == (False, "ETAG_MISMATCH", False)
    current = connector(sap).get_by_ids(OBJ, [record_id])[record_id]
    assert current.fields["OrganizationName"] == "Changed in SAP"


def test_updates_send_the_etag_sap_requires(sap: Kit) -> None:
    tune(sap, etag_required=True)
    conn = connector(sap)
    (created,) = conn.upsert(OBJ, EXT, customers("IFM", 1))
    fresh = connector(sap)  # has read nothing: fetches the ETag itself
    (result,) = fresh.update(OBJ, [(str(created.id), {"OrganizationName": "With If-Match"})])
    assert result.ok, result
    second = conn.upsert(OBJ, EXT, [{**customers("IFM", 1)[0], "OrganizationName": "Again"}])
    assert second[0].ok and not second[0].created


def test_server_paging_follows_next_to_the_end(sap: Kit) -> None:
    conn = connector(sap, page_size=None)  # SAP alone decides the pages
    conn.upsert(OBJ, EXT, customers("PAGE", 7))
    tune(sap, page_size=2)
    gets: list[str] = []
    conn.http.observe(lambda method, url, _: gets.append(url) if method == "GET" else None)
    pages = list(conn.read(OBJ))
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert sorted(r.fields[EXT] for p in pages for r in p) == [f"PAGE-{i:04d}" for i in range(7)]
    assert sum("skiptoken" in url for url in gets) == len(pages) - 1  # each absolute __next
    keys = [(r.modified_at, r.id) for p in pages for r in p]
    assert keys == sorted(keys)


class _NextElsewhere(httpx.BaseTransport):
    """Rewrites the first `__next` a query answers to point at another host."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        body = orjson.loads(response.content) if response.content[:1] == b"{" else None
        d = body.get("d") if isinstance(body, dict) else None
        if isinstance(d, dict) and d.get("__next"):
            d["__next"] = str(d["__next"]).replace("testserver", "elsewhere.example")
            headers = {k: v for k, v in response.headers.items() if k != "content-length"}
            return httpx.Response(response.status_code, headers=headers,
                                  content=orjson.dumps(body), request=request)  # fmt: skip
        return response


def test_a_next_link_to_another_origin_is_refused(sap: Kit) -> None:
    conn = connector(sap, page_size=None)
    conn.upsert(OBJ, EXT, customers("AWAY", 3))
    tune(sap, page_size=2)
    sap.client._transport = _NextElsewhere(sap.client._transport)
    with pytest.raises(VendorError, match="__next"):
        list(conn.read(OBJ))


def test_incremental_reads_use_the_date_and_time_pair_with_its_boundary(sap: Kit) -> None:
    conn = connector(sap, lookback_seconds=0)
    conn.upsert(OBJ, EXT, customers("OLD", 2))
    boundary = sap.clock.tick(5)
    conn.upsert(OBJ, EXT, customers("NEW", 2))
    queries: list[str] = []
    conn.http.observe(lambda method, url, _: queries.append(url) if method == "GET" else None)
    got = [r.fields[EXT] for page in conn.read(OBJ, since=Watermark(boundary)) for r in page]
    assert sorted(got) == ["NEW-0000", "NEW-0001"]
    (query,) = [q for q in queries if "A_BusinessPartner?" in q]
    assert "LastChangeTime" in httpx.URL(query).params["$filter"]


def test_calls_per_synced_record_stay_at_the_batch_minimum(sap: Kit) -> None:
    """1,000 new customers in $batch requests of 100: one lookup query and one $batch per
    hundred, plus the service's $metadata and one CSRF fetch for the whole run."""
    conn = connector(sap, batch_size=100)
    results = conn.upsert(OBJ, EXT, customers("BULK", 1000))
    assert all(r.ok for r in results)
    batches = math.ceil(1000 / 100)
    assert conn.call_count() == 2 * batches + 2
    assert conn.call_count() / len(results) <= 0.025
    updates = conn.upsert(OBJ, EXT, [{**c, "OrganizationName": c["OrganizationName"] + " 2"}
                                     for c in customers("BULK", 1000)])  # fmt: skip
    assert all(r.ok and not r.created for r in updates)
    assert conn.call_count() == 4 * batches + 2  # updates cost no more than creates


def test_an_upsert_right_after_the_engines_lookup_does_not_ask_again(sap: Kit) -> None:
    """The engine looks a round up (its before-images) and then upserts it: the $batch calls
    are all that upsert costs; a second upsert, with no lookup before it, asks SAP itself."""
    conn = connector(sap, batch_size=100)
    conn.upsert(OBJ, EXT, customers("SEEN", 300))
    renamed = [{**c, "OrganizationName": c["OrganizationName"] + " 2"}
               for c in customers("SEEN", 300)]  # fmt: skip
    before = conn.get_by_external_id(OBJ, EXT, [c[EXT] for c in renamed])
    assert len(before) == 300
    calls = conn.call_count()
    assert all(r.ok and not r.created for r in conn.upsert(OBJ, EXT, renamed))
    assert conn.call_count() - calls == 3  # three $batch calls, no lookup
    calls = conn.call_count()
    assert all(r.ok for r in conn.upsert(OBJ, EXT, renamed))
    assert conn.call_count() - calls == 6  # the lookup is used once: now three lookups too


def test_a_field_shortened_in_metadata_mid_run_shows_in_describe_and_splits(sap: Kit) -> None:
    conn = connector(sap)
    assert conn.describe(OBJ).fields["OrganizationBPName1"].length == 40
    tune(sap, max_lengths={"A_BusinessPartner.OrganizationBPName1": 30})
    assert conn.describe(OBJ).fields["OrganizationBPName1"].length == 30
    name = "Consolidated International Widgets and Precision Engineering"
    (result,) = conn.upsert(OBJ, EXT, [{**customers("SHORT", 1)[0], "OrganizationName": name}])
    assert result.ok, result
    found = connector(sap).get_by_ids(OBJ, [str(result.id)])[str(result.id)].fields
    assert found["OrganizationName"] == name
    assert all(len(found[f"OrganizationBPName{i}"] or "") <= 30 for i in range(1, 5))
