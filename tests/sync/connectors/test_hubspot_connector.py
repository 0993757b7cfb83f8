"""The HubSpot connector against the HubSpot mock, in process (`TestClient(app)`): search
windows past the result cap, the look-back, partial batches, duplicate emails, rate limits,
OAuth renewal, calls per record, and deals with their line items."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from sync.connectors import Record, Watermark
from sync.connectors.hubspot.connector import HubSpotConnector
from sync.connectors.hubspot.limits import Governor
from sync.errors import AuthError, FatalVendorError

from .conftest import ADMIN_TOKEN, Kit, build_kit

ADMIN = {"X-Harness-Token": ADMIN_TOKEN}


@pytest.fixture
def hub() -> Iterator[Kit]:
    yield from build_kit("hubspot")


def settle(kit: Kit, **settings: Any) -> None:
    """Change the mock's runtime settings through its admin API."""
    answer = kit.client.patch("/__harness/settings", json=settings, headers=ADMIN)
    assert answer.status_code == 200, answer.text


def companies(keys: list[str]) -> list[dict[str, Any]]:
    return [{"erp_customer_id": k, "name": f"Company {k}"} for k in keys]


def on_store_clock(kit: Kit, conn: Any, *, real: bool = False) -> HubSpotConnector:
    """The connector's rate windows on the mock's clock, which stands still unless moved:
    the connector's waits move it. `real`: they also pass in real time, for a test that
    must hold under whichever clock the mock counts a limit on (slower: it sleeps)."""
    assert isinstance(conn, HubSpotConnector)

    def wait(seconds: float) -> None:
        kit.clock.advance(seconds=seconds)
        if real:
            time.sleep(seconds)

    conn.governor = Governor(clock=lambda: kit.clock.now.timestamp(), sleep=wait)
    return conn


def connect(kit: Kit, page_size: int | None = 5, **options: Any) -> HubSpotConnector:
    return on_store_clock(kit, kit.connector(page_size=page_size, options=options))


def flat(pages: list[list[Record]]) -> list[Record]:
    return [r for page in pages for r in page]


def test_a_window_larger_than_the_search_cap_is_read_whole_and_in_order(hub: Kit) -> None:
    settle(hub, search_result_cap=30)
    conn = connect(hub, page_size=10, search_lookback_seconds=0)  # many queries, each small
    start = hub.clock.tick()
    written: dict[str, str] = {}
    for i in range(40):  # forty stamps, one record each
        written |= {r.key: str(r.id) for r in conn.upsert("companies", "erp_customer_id",
                                                          companies([f"A-{i:02d}"]))}  # fmt: skip
        hub.clock.advance(milliseconds=7)
    shared = conn.upsert(
        "companies", "erp_customer_id", companies([f"B-{i:02d}" for i in range(60)])
    )
    written |= {r.key: str(r.id) for r in shared}  # sixty on one stamp: more than the cap's page
    hub.clock.tick()
    written |= {r.key: str(r.id) for r in conn.upsert("companies", "erp_customer_id",
                                                      companies(["C-1", "C-2"]))}  # fmt: skip
    with pytest.raises(FatalVendorError) as beyond:  # the mock's cap is 30: offset paging
        conn.governor.before(search=True)
        conn.http.request("POST", "/crm/v3/objects/companies/search",
                          json={"limit": 10, "after": "30"}, read=True)  # fmt: skip
    assert beyond.value.status == 400  # ... would stop here
    records = flat(list(conn.read("companies", since=Watermark(start))))
    keys = [(r.modified_at, r.id) for r in records]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys)) == len(written)
    assert {r.id for r in records} == set(written.values())


def test_the_look_back_rereads_what_search_may_have_shown_late(hub: Kit) -> None:
    conn = connect(hub, search_lookback_seconds=30)  # the default (the kit sets 0)
    (early,) = conn.upsert("companies", "erp_customer_id", companies(["EARLY"]))
    hub.clock.tick(20)
    (later,) = conn.upsert("companies", "erp_customer_id", companies(["LATER"]))
    since = Watermark(hub.clock.now)  # a watermark taken after the later record
    got = {r.id for r in flat(list(conn.read("companies", since=since)))}
    assert {early.id, later.id} <= got
    exact = connect(hub, search_lookback_seconds=0)
    assert {r.id for r in flat(list(exact.read("companies", since=since)))} == {later.id}


def test_a_write_search_does_not_show_yet_is_found_by_id_and_then_by_search(hub: Kit) -> None:
    settle(hub, search_lag_seconds=10)
    conn = connect(hub)
    since = Watermark(hub.clock.now)
    (made,) = conn.upsert("companies", "erp_customer_id", companies(["LAG-1"]))
    assert made.id in conn.get_by_ids("companies", [str(made.id)])  # batch read: no lag
    assert made.id not in {r.id for r in flat(list(conn.read("companies", since=since)))}
    hub.clock.tick(11)
    assert made.id in {r.id for r in flat(list(conn.read("companies", since=since)))}


def test_a_207_files_each_failure_at_the_input_it_names(hub: Kit) -> None:
    conn = connect(hub)
    plan = {"version": 1, "seed": 7, "rules": [{
        "match": {"vendor": "hubspot", "path": "/crm/v3/objects/companies/batch/upsert"},
        "when": {"times": 1}, "effect": {"type": "partial_batch", "count": 2}}]}  # fmt: skip
    assert hub.client.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    keys = [f"PB-{i}" for i in range(6)]
    results = conn.upsert("companies", "erp_customer_id", companies(keys))
    assert [r.key for r in results] == keys
    refused = {r.key for r in results if not r.ok}
    assert len(refused) == 2 and all(r.error_code for r in results if not r.ok)
    found = conn.get_by_external_id("companies", "erp_customer_id", keys)
    assert set(found) == set(keys) - refused  # what was refused was not written, the rest was
    ids = [str(found[k].id) for k in sorted(found)][:2]
    updated = conn.update("companies", [(ids[0], {"name": "Renamed"}), ("999", {"name": "x"}),
                                        (ids[1], {"name": "Also"})])  # fmt: skip
    assert [(r.key, r.ok) for r in updated] == [(ids[0], True), ("999", False), (ids[1], True)]
    assert updated[1].error_code == "OBJECT_NOT_FOUND"


def test_a_refused_record_keeps_the_rest_of_its_batch(hub: Kit) -> None:
    conn = connect(hub)
    batch = companies(["P-1", "P-2", "P-3"])
    batch[1]["erp_status"] = "Bogus"  # not one of the enumeration's options
    results = conn.upsert("companies", "erp_customer_id", batch)
    assert [(r.key, r.ok) for r in results] == [("P-1", True), ("P-2", False), ("P-3", True)]
    assert results[1].error_code and not results[1].retryable
    assert set(conn.get_by_external_id("companies", "erp_customer_id", ["P-1", "P-2", "P-3"])) == {
        "P-1", "P-3"}  # fmt: skip


def test_a_duplicate_email_links_to_the_existing_contact(hub: Kit) -> None:
    conn = connect(hub)
    person = {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com"}
    (first,) = conn.upsert("contacts", "erp_contact_id", [{"erp_contact_id": "K-1", **person}])
    assert first.ok and first.created
    before = conn.call_count()
    twin = {"erp_contact_id": "K-2", **person, "jobtitle": "Analyst"}
    fresh = {"erp_contact_id": "K-3", "lastname": "Byron", "email": "byron@example.com"}
    linked, made = conn.upsert("contacts", "erp_contact_id", [twin, fresh])
    assert (linked.ok, linked.id, linked.created) == (True, first.id, False)
    assert made.ok and made.created and made.id != first.id
    assert conn.call_count() - before <= 4  # the upsert, the lookup, the rest, the update
    found = conn.get_by_external_id("contacts", "erp_contact_id", ["K-2"])
    assert found["K-2"].id == first.id and found["K-2"].fields["jobtitle"] == "Analyst"
    everyone = flat(list(conn.read("contacts")))
    assert [r.fields.get("email") for r in everyone].count("ada@example.com") == 1


def test_default_limits_draw_no_429_and_upserts_cost_the_batch_minimum(hub: Kit) -> None:
    conn = on_store_clock(hub, hub.connector(page_size=None), real=True)  # default pages
    keys = [f"BULK-{i:04d}" for i in range(1000)]
    before = conn.call_count()
    results = conn.upsert("companies", "erp_customer_id", companies(keys))
    assert all(r.ok and r.created for r in results)
    assert conn.call_count() - before <= 1.05 * 10  # 1,000 records, 100 a batch
    hub.clock.tick()
    assert sum(len(p) for p in conn.read("companies")) == 1000 + 0  # a full read by list
    assert len(flat(list(conn.read("companies", since=Watermark(hub.clock.now - timedelta(
        seconds=5)))))) == 1000  # fmt: skip
    again = conn.upsert("companies", "erp_customer_id", companies(keys))
    assert all(r.ok and not r.created for r in again)
    ids = [str(r.id) for r in results]
    for i in range(200):  # with the rest, more than 190 a 10 s window and 50 a second allow
        assert ids[i] in conn.get_by_ids("companies", [ids[i]], fields=[])
    assert conn.http.stats.retries == 0  # nothing was refused for speed: no 429 came


def test_an_expired_oauth_token_is_renewed_once_and_the_call_goes_on(hub: Kit) -> None:
    creds = {k: v for k, v in hub.settings.credentials.items() if k != "access_token"}
    conn = on_store_clock(hub, hub.connector(credentials=creds))
    (made,) = conn.upsert("companies", "erp_customer_id", companies(["OAUTH-1"]))
    assert made.ok
    hub.clock.tick(1801)  # the access token lives 1,800 s on the portal's clock
    found = conn.get_by_external_id("companies", "erp_customer_id", ["OAUTH-1"])
    assert found["OAUTH-1"].id == made.id
    assert conn.http.stats.auth_refreshes == 1


def test_deals_carry_their_company_and_line_items_as_lines(hub: Kit) -> None:
    conn = connect(hub)
    (company,) = conn.upsert("companies", "erp_customer_id", companies(["DEAL-CO"]))
    products = conn.upsert(
        "products",
        "erp_item_id",
        [{"erp_item_id": f"I-{n}", "name": f"Item {n}", "price": 10 * n} for n in (1, 2, 3)],
    )
    pid = [str(p.id) for p in products]

    def deal(key: str, lines: list[tuple[int, int]]) -> dict[str, Any]:
        return {"erp_order_id": key, "dealname": key, "closedate": "2024-01-15T00:00:00.000Z",
                "company": company.id, "pipeline": "default", "dealstage": "closedwon",
                "lines": [{"product": pid[p], "quantity": q, "price": 5.5,
                           "hs_position_on_quote": n}
                          for n, (p, q) in enumerate(lines, start=1)]}  # fmt: skip

    costs = []
    for count, prefix in ((5, "D"), (45, "E")):  # 10 lines or 90: the same calls
        before = conn.call_count()
        batch = [deal(f"{prefix}-{i}", [(0, 2), (1, 1)]) for i in range(count)]
        results = conn.upsert("deals", "erp_order_id", batch)
        assert all(r.ok for r in results), results
        costs.append(conn.call_count() - before)
    # Calls per page of deals (and per 100 lines), never per deal; the first write also
    # reads the line items' property definitions, once.
    assert costs == [6, 5]
    found = conn.get_by_external_id("deals", "erp_order_id", ["D-0"])["D-0"]
    assert found.fields["company"] == company.id
    assert [(ln["product"], ln["quantity"], ln["hs_position_on_quote"])
            for ln in found.fields["lines"]] == [(pid[0], 2, 1), (pid[1], 1, 2)]  # fmt: skip
    hub.clock.tick()
    (again,) = conn.upsert("deals", "erp_order_id", [deal("D-0", [(2, 7)])])
    assert again.ok and again.id == found.id
    lines = conn.get_by_ids("deals", [found.id])[found.id].fields["lines"]
    assert [(ln["product"], ln["quantity"]) for ln in lines] == [(pid[2], 7)]
    assert lines[0]["id"] == found.fields["lines"][0]["id"]  # position 1 was updated in place
    pages = list(conn.read("deals"))
    assert sum(len(p) for p in pages) == 50
    assert all(len(r.fields["lines"]) in (1, 2) for p in pages for r in p)


def test_deletes_are_seen_through_the_archived_list(hub: Kit) -> None:
    conn = connect(hub)
    made = conn.upsert("companies", "erp_customer_id", companies(["DEL-1", "DEL-2"]))
    since = Watermark(hub.clock.tick())
    assert all(r.ok for r in conn.delete("companies", [str(made[0].id)]))
    gone = [r for r in flat(list(conn.read("companies", include_deleted=True))) if r.deleted]
    assert [r.id for r in gone] == [made[0].id]
    assert gone[0].modified_at >= since.modified_at
    assert made[0].id not in {r.id for r in flat(list(conn.read("companies")))}
    changed = [c for page in conn.changes("companies", "erp_customer_id", since) for c in page]
    assert [(c.id, c.external_id) for c in changed] == [(made[0].id, "DEL-1")]


def test_a_record_modified_mid_read_neither_hides_nor_skips_another(hub: Kit) -> None:
    conn = connect(hub, page_size=10, search_lookback_seconds=0)
    start = hub.clock.tick()
    written = []
    for i in range(30):  # thirty stamps
        written += conn.upsert("companies", "erp_customer_id", companies([f"M-{i:02d}"]))
        hub.clock.advance(milliseconds=5)
    pages = conn.read("companies", since=Watermark(start))
    first = next(pages)
    hub.clock.tick()  # an early record changes while the read goes on: it moves to the end
    conn.update("companies", [(str(first[0].id), {"name": "Moved"})])
    rest = flat(list(pages))
    seen = [r.id for r in first + rest]
    assert set(seen) == {r.id for r in written}
    assert seen.count(first[0].id) == 2  # read again at its new stamp, after the others
    keys = [(r.modified_at, r.id) for r in first + rest]
    assert keys == sorted(keys)


def test_a_refused_refresh_token_is_an_auth_error(hub: Kit) -> None:
    creds = {k: v for k, v in hub.settings.credentials.items() if k != "access_token"}
    conn = hub.connector(credentials={**creds, "refresh_token": "not-the-portal-s"})
    with pytest.raises(AuthError):
        conn.describe("companies")
