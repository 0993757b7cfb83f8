"""NetSuite records read through SuiteQL pages are the records the record service serves.

A seeded full-business world with dirty data; every record type the shipped
salesforce-netsuite mappings read or write (plus customerPayment), for every field (None) and
each mapping's source fields: the records `read` and `get_by_external_id` build from SuiteQL
rows equal, field by field, the same records read by record GETs (`get_by_ids`). And they
cost a few SuiteQL calls per page, not a GET per record; fields SuiteQL cannot serve, or a
refused query, fall back to record GETs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from mocks.world.generator import WorldSettings
from sync.connectors import Connector, Record
from sync.mapping import load_mapping

from .conftest import Kit

PAIR = Path(__file__).resolve().parents[3] / "fixtures" / "integrations" / "salesforce-netsuite"
WORLD = WorldSettings(seed=11, accounts=40, full_business=True, dirty=0.2)


def _mapping_cases() -> list[Any]:
    """(record type, fields) for every NetSuite side of every shipped mapping: a source
    reads its source fields, a target is looked up and read whole (None)."""
    cases: dict[tuple[str, tuple[str, ...] | None], str] = {}
    for path in sorted(PAIR.glob("*.yaml")):
        spec = load_mapping(path)
        if spec.source.system == "netsuite":
            cases.setdefault((spec.source.object, tuple(spec.source_fields)), spec.name)
        for side in (spec.source, spec.target):
            if side.system == "netsuite":
                cases.setdefault((side.object, None), side.object)
    cases.setdefault(("customerPayment", None), "customerPayment")
    return [pytest.param(obj, fields, id=f"{name}-{'all' if fields is None else 'mapped'}")
            for (obj, fields), name in cases.items()]  # fmt: skip


class Counter(httpx.BaseTransport):
    """Counts requests by kind (SuiteQL, record GET, other), then delegates."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.kinds: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        kind = "suiteql" if path.endswith("/suiteql") else "other"
        if request.method == "GET" and "/record/v1/" in path and "metadata-catalog" not in path:
            kind = "get"
        self.kinds.append(kind)
        return self.inner.handle_request(request)


@pytest.fixture
def world(netsuite_kit: Kit) -> Kit:
    netsuite_kit.app.state.mock.seed(WORLD)
    return netsuite_kit


def _with_external_ids(kit: Kit, obj: str, most: int = 40) -> dict[str, str]:
    """External id -> internal id of `obj` records; records the world left without one
    (the ERP's own invoices, items, payments) are given one first, through the API."""
    store = kit.app.state.mock.store
    held = {r.fields["externalId"]: r.id for r in store.records(obj) if r.fields.get("externalId")}
    if not held:
        ids = [r.id for r in store.records(obj)][:most]
        results = kit.connector().update(obj, [(i, {"externalId": f"SQL-{i}"}) for i in ids])
        assert all(r.ok for r in results), [r for r in results if not r.ok]
        held = {f"SQL-{i}": i for i in ids}
    return held


def _count(kit: Kit) -> Counter:
    counter = Counter(kit.client._transport)
    kit.client._transport = counter
    return counter


def _read(conn: Connector, obj: str, fields: Sequence[str] | None) -> list[Record]:
    return [r for page in conn.read(obj, fields=fields) for r in page]


def _image(record: Record) -> tuple[str, dict[str, Any], Any]:
    return record.id, record.fields, record.modified_at


def _typed(value: Any) -> Any:
    """A value with its JSON type made visible: `1 == True` and `"1" != 1` must not hide a
    boolean read as a number or a number read as text."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    kind = "number" if isinstance(value, int | float) and not isinstance(value, bool) else None
    return (kind or type(value).__name__, value)


@pytest.mark.parametrize(("obj", "fields"), _mapping_cases())
def test_records_read_through_suiteql_equal_the_record_service_ones(
    world: Kit, obj: str, fields: tuple[str, ...] | None
) -> None:
    conn = world.connector()
    wanted = None if fields is None else list(fields)
    records = _read(conn, obj, wanted)
    assert records, f"the seeded world holds no {obj}"
    assert [(r.modified_at, r.id) for r in records] == sorted(
        (r.modified_at, r.id) for r in records
    )
    by_get = world.connector().get_by_ids(obj, [r.id for r in records], fields=wanted)
    assert len(by_get) == len(records)
    for record in records:
        expected = by_get[record.id]
        assert _image(record) == _image(expected), record.id
        assert _typed(record.fields) == _typed(expected.fields), record.id


@pytest.mark.parametrize(("obj", "fields"), _mapping_cases())
def test_lookups_by_external_id_equal_the_record_service_records(
    world: Kit, obj: str, fields: tuple[str, ...] | None
) -> None:
    wanted = None if fields is None else list(fields)
    held = _with_external_ids(world, obj)
    values = [*sorted(held), "NO-SUCH-EXTERNAL-ID"]
    found = world.connector().get_by_external_id(obj, "externalId", values, fields=wanted)
    assert list(found) == sorted(held)
    by_get = world.connector().get_by_ids(obj, list(held.values()), fields=wanted)
    for value, record in found.items():
        expected = by_get[held[value]]
        assert _image(record) == _image(expected), value
        assert _typed(record.fields) == _typed(expected.fields), value


@pytest.mark.parametrize("obj", ["customer", "contact", "salesOrder", "invoice"])
def test_a_read_costs_suiteql_pages_not_a_get_per_record(world: Kit, obj: str) -> None:
    conn = world.connector(page_size=1000)
    conn.describe(obj)
    counter = _count(world)
    records = _read(conn, obj, None)
    assert counter.kinds.count("get") == 0
    # A body page; for it and for the last second it held back, names and line tables.
    assert len(counter.kinds) <= 5, counter.kinds
    assert len(records) > len(counter.kinds)


def test_before_images_cost_one_query_per_chunk_and_line_table(world: Kit) -> None:
    conn = world.connector(page_size=1000)
    conn.describe("customer")
    eids = [r.fields["externalId"] for r in world.app.state.mock.store.records("customer")
            if r.fields.get("externalId")]  # fmt: skip
    counter = _count(world)
    found = conn.get_by_external_id("customer", "externalId", eids)
    assert len(found) == len(eids) > 2
    assert counter.kinds == ["suiteql"] * 3  # bodies, then display names and address lines


def test_fields_suiteql_cannot_serve_are_read_by_get(world: Kit) -> None:
    """An item's basePrice has no SuiteQL column: those records come from the record
    service, whole, and keep only the fields asked for."""
    conn = world.connector()
    conn.describe("inventoryItem")
    counter = _count(world)
    records = _read(conn, "inventoryItem", ["itemId", "basePrice"])
    assert counter.kinds.count("get") == len(records) > 0
    assert all(set(r.fields) <= {"id", "itemId", "basePrice"} for r in records)
    assert any("basePrice" in r.fields for r in records)


def test_a_refused_body_query_falls_back_to_record_gets(world: Kit) -> None:
    """A live account may refuse a column the catalog names (a custom field SuiteQL does
    not expose): the read is served by record GETs instead, whole and in order."""
    conn = world.connector()
    conn.describe("customer")
    expected = [_image(r) for r in _read(world.connector(), "customer", None)]
    # The body query is refused as invalid (its first planned column names it; the count
    # query beside a full read and the key queries of the record GETs are not refused).
    world.client._transport = RefuseTable(world.client._transport, "AS c0")
    counter = _count(world)
    assert [_image(r) for r in _read(conn, "customer", None)] == expected
    assert counter.kinds.count("get") == len(expected)
    assert [_image(r) for r in _read(conn, "customer", None)] == expected  # remembered


class RefuseTable(httpx.BaseTransport):
    """Answers 400 to every SuiteQL query naming `table`, as an account that does not expose
    it would; everything else passes."""

    def __init__(self, inner: httpx.BaseTransport, table: str) -> None:
        self.inner, self.table = inner, table

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.path.endswith("/suiteql") and self.table in request.content.decode():
            refused = {"detail": "refused", "o:errorCode": "INVALID_PARAMETER"}
            return httpx.Response(400, json={"o:errorDetails": [refused]}, request=request)
        return self.inner.handle_request(request)


def test_a_refused_lines_query_falls_back_to_record_gets_too(world: Kit) -> None:
    conn = world.connector()
    conn.describe("customer")
    expected = [_image(r) for r in _read(world.connector(), "customer", None)]
    world.client._transport = RefuseTable(world.client._transport, "customeraddressbook")
    assert [_image(r) for r in _read(conn, "customer", None)] == expected


def test_order_lines_keep_their_own_line_numbers_and_signs(world: Kit) -> None:
    """Lines numbered by the CRM (10, 20) read back as numbered, with positive quantities
    and amounts (SuiteQL shows sales lines with posting signs)."""
    conn = world.connector()
    order = _read(conn, "salesOrder", None)[0]
    item = order.fields["item"][0]["item"]
    lines = [
        {"line": 20, "item": item, "quantity": 2, "rate": 1.25},
        {"line": 10, "item": item, "quantity": 3.5, "rate": 4, "description": "Ünïcode  "},
    ]
    body = {"externalId": "SQL-LINES", "entity": order.fields["entity"], "item": lines}
    assert all(r.ok for r in conn.upsert("salesOrder", "externalId", [body]))
    found = conn.get_by_external_id("salesOrder", "externalId", ["SQL-LINES"])["SQL-LINES"]
    assert [(ln["line"], ln["quantity"], ln["amount"]) for ln in found.fields["item"]] == [
        (20, 2, 2.5),
        (10, 3.5, 14),
    ]
    expected = world.connector().get_by_ids("salesOrder", [found.id])[found.id]
    assert _typed(found.fields) == _typed(expected.fields)


def test_a_pages_names_and_lines_are_asked_for_before_its_records_are_made(
    world: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making a page's records is client work its names and lines queries need not wait
    for: they are in flight before the first body is made."""
    import threading

    from sync.connectors.netsuite import suiteql_reads

    conn = world.connector(page_size=1000, concurrency=4)
    conn.describe("customer")
    counter = _count(world)
    follow_ups = threading.Event()
    handle = counter.handle_request

    def noting(request: httpx.Request) -> httpx.Response:
        if b" IN (" in request.content:  # a names or lines query names its records' ids
            follow_ups.set()
        return handle(request)

    monkeypatch.setattr(counter, "handle_request", noting)
    wire_body, waited = suiteql_reads.wire_body, []

    def after_the_follow_ups(row: Any, plan: Any) -> Any:
        if not waited:
            waited.append(follow_ups.wait(30))
        return wire_body(row, plan)

    monkeypatch.setattr(suiteql_reads, "wire_body", after_the_follow_ups)
    records = _read(conn, "customer", None)
    assert records and waited == [True]
