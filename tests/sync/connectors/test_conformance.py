"""The conformance battery: every registered connector passes all of it against its mock.

A vendor joins by registering its packs: a connector pack whose `kits` name its
`sync.connectors.kit.ConformanceKit`s, and a mock pack of the same name whose app the kits
run against (`conftest` reads both registries when the tests are collected). A further
object of a vendor is a further kit of its pack (sales orders with their item sublist,
Salesforce orders by `Order_Key__c`). A registered vendor without kits or without a sandbox
fails `test_every_registered_connector_has_a_kit_and_a_sandbox`.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync.connectors import Connector, Record, Watermark
from sync.errors import AuthError, FatalVendorError, ReadOnlyViolation

from .conftest import Kit, check_vendor


def seed(kit: Kit, conn: Connector, keys: list[str]) -> dict[str, str]:
    """Upsert one record per key at the clock's current time; external id -> target id."""
    results = conn.upsert(kit.obj, kit.ext_field, [kit.record(k) for k in keys])
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    return {r.key: str(r.id) for r in results}


def read_all(conn: Connector, kit: Kit, **kw: Any) -> list[list[Record]]:
    return list(conn.read(kit.obj, **kw))


def keys_of(pages: list[list[Record]]) -> list[tuple[Any, str]]:
    return [(r.modified_at, r.id) for page in pages for r in page]


def contains(got: Any, written: Any) -> bool:
    """`written` reads back in `got`: records and sublist lines may gain computed keys
    (a reference's `<field>_refName`, line, amount), numbers may come back as floats."""
    if isinstance(written, dict):
        return isinstance(got, dict) and all(contains(got.get(k), v) for k, v in written.items())
    if isinstance(written, list):
        return (
            isinstance(got, list)
            and len(got) == len(written)
            and all(contains(g, w) for g, w in zip(got, written, strict=True))
        )
    return bool(got == written)


def assert_holds(record: Record, written: dict[str, Any]) -> None:
    """Every written value reads back."""
    for name, value in written.items():
        got = record.fields.get(name)
        assert contains(got, value), (name, got, value)


def test_every_registered_connector_has_a_kit_and_a_sandbox(registered_vendor: str) -> None:
    check = check_vendor(registered_vendor)
    assert not check.problems, (
        f"connector pack {registered_vendor!r} is registered but the conformance battery"
        f" cannot run it: {'; '.join(check.problems)}"
    )


def test_describe_reports_required_and_length(kit: Kit) -> None:
    schema = kit.connector().describe(kit.obj)
    required = schema.field(kit.required_field)
    assert required is not None and required.required
    sized = schema.field(kit.length_field)
    assert sized is not None and sized.length == kit.length
    ext = schema.field(kit.ext_field)
    assert ext is not None and ext.external_id


def test_full_read_returns_every_record_in_order_across_pages(kit: Kit) -> None:
    conn = kit.connector()
    ids: dict[str, str] = {}
    for group in range(3):  # three timestamps, each shared by several records
        ids |= seed(kit, conn, [f"FULL-{group}-{i:03d}" for i in range(kit.group_size)])
        kit.clock.tick()
    pages = read_all(conn, kit)
    keys = keys_of(pages)
    assert len(pages) > 1
    assert keys == sorted(keys)
    assert {rid for _, rid in keys} >= set(ids.values())
    assert len(keys) == len(set(keys))


def test_incremental_read_includes_ties_at_the_boundary(kit: Kit) -> None:
    conn = kit.connector()
    seed(kit, conn, [f"OLD-{i}" for i in range(4)])
    boundary = kit.clock.tick()
    tied = seed(kit, conn, [f"TIE-{i}" for i in range(6)])
    kit.clock.tick()
    newer = seed(kit, conn, [f"NEW-{i}" for i in range(3)])
    pages = read_all(conn, kit, since=Watermark(boundary))
    got = {r.id for page in pages for r in page}
    assert got == set(tied.values()) | set(newer.values())
    assert all(r.modified_at >= boundary for page in pages for r in page)
    assert keys_of(pages) == sorted(keys_of(pages))


def test_changes_list_ids_external_ids_and_times_without_content(kit: Kit) -> None:
    conn = kit.connector()
    seed(kit, conn, [f"EARLY-{i}" for i in range(3)])
    boundary = kit.clock.tick()
    later = seed(kit, conn, [f"LATE-{i}" for i in range(5)])
    kit.clock.tick()
    pages = list(conn.changes(kit.obj, kit.ext_field, Watermark(boundary)))
    listed = [c for page in pages for c in page]
    assert {c.external_id: c.id for c in listed} == later
    assert all(c.modified_at >= boundary for c in listed)
    order = [(c.modified_at, c.id) for c in listed]
    assert order == sorted(order)
    everything = {c.external_id for page in conn.changes(kit.obj, kit.ext_field, None)
                  for c in page}  # fmt: skip
    assert everything >= {f"EARLY-{i}" for i in range(3)} | set(later)


def test_upsert_creates_then_updates_and_reads_back(kit: Kit) -> None:
    conn = kit.connector()
    keys = ["UP-1", "UP-2", "UP-3"]
    first = conn.upsert(kit.obj, kit.ext_field, [kit.record(k) for k in keys])
    assert [r.key for r in first] == keys
    assert all(r.ok and r.id for r in first)
    assert all(r.created == kit.reports_created for r in first)
    kit.clock.tick()
    changed = [{**kit.record(k), kit.name_field: f"Renamed {k}"} for k in keys]
    second = conn.upsert(kit.obj, kit.ext_field, changed)
    assert [r.id for r in second] == [r.id for r in first]
    assert all(r.ok and not r.created for r in second)
    found = conn.get_by_external_id(kit.obj, kit.ext_field, [*keys, "UP-MISSING"])
    assert set(found) == set(keys)
    for record in changed:
        assert_holds(found[record[kit.ext_field]], record)


def test_records_read_by_their_own_ids_leave_deleted_ones_out(kit: Kit) -> None:
    conn = kit.connector()
    keys = ["BYID-1", "BYID-2", "BYID-3"]
    ids = [r.id for r in conn.upsert(kit.obj, kit.ext_field, [kit.record(k) for k in keys])]
    assert all(ids)
    assert all(r.ok for r in conn.delete(kit.obj, [ids[2]]))
    found = conn.get_by_ids(kit.obj, [*ids, ids[0]])
    assert set(found) == set(ids[:2])
    assert_holds(found[ids[0]], kit.record(keys[0]))
    assert set(conn.get_by_ids(kit.obj, ids, fields=[])) == set(ids[:2])


def test_per_record_rejection_keeps_the_rest_of_the_batch(kit: Kit) -> None:
    conn = kit.connector()
    batch = [
        kit.record("REJ-1"),
        kit.too_long("REJ-2"),
        kit.record("REJ-3"),
        kit.missing_required("REJ-4"),
        kit.record("REJ-5"),
    ]
    results = conn.upsert(kit.obj, kit.ext_field, batch)
    assert [r.key for r in results] == ["REJ-1", "REJ-2", "REJ-3", "REJ-4", "REJ-5"]
    assert [r.ok for r in results] == [True, False, True, False, True]
    too_long, missing = results[1], results[3]
    assert too_long.error_code in kit.too_long_codes
    assert kit.length_field in too_long.fields
    assert too_long.message and not too_long.retryable
    assert missing.error_code in kit.missing_codes
    found = conn.get_by_external_id(kit.obj, kit.ext_field, ["REJ-1", "REJ-2", "REJ-3", "REJ-5"])
    assert set(found) == {"REJ-1", "REJ-3", "REJ-5"}


def test_update_and_delete_by_id(kit: Kit) -> None:
    conn = kit.connector()
    ids = seed(kit, conn, ["ED-1", "ED-2"])
    kit.clock.tick()
    updated = conn.update(kit.obj, [(ids["ED-1"], {kit.name_field: "Edited"})])
    assert [(r.key, r.ok, r.id) for r in updated] == [(ids["ED-1"], True, ids["ED-1"])]
    deleted = conn.delete(kit.obj, [ids["ED-2"]])
    assert [(r.key, r.ok) for r in deleted] == [(ids["ED-2"], True)]
    found = conn.get_by_external_id(kit.obj, kit.ext_field, ["ED-1", "ED-2"])
    assert set(found) == {"ED-1"}
    assert found["ED-1"].fields[kit.name_field] == "Edited"


@pytest.mark.parametrize(
    "faults",
    [[503, 503], [(429, {"Retry-After": "0"})], ["reset", "timeout"]],
    ids=["503", "429-retry-after", "reset-timeout"],
)
def test_transient_faults_are_retried_to_success(kit: Kit, faults: list[Any]) -> None:
    conn = kit.connector()
    conn.describe(kit.obj)  # authenticated before the faults start
    transport = kit.inject(*faults)
    results = conn.upsert(kit.obj, kit.ext_field, [kit.record("FLAKY-1")])
    assert results[0].ok
    transport.faults = list(faults)
    assert any(r.id == results[0].id for page in read_all(conn, kit) for r in page)
    assert transport.injected == 2 * len(faults)
    assert conn.http.stats.retries >= 2 * len(faults)  # type: ignore[attr-defined]


def test_exhausted_retries_come_back_as_retryable_results(kit: Kit) -> None:
    conn = kit.connector(max_retries=1)
    conn.describe(kit.obj)
    kit.inject(*[503] * 10)
    results = conn.upsert(kit.obj, kit.ext_field, [kit.record("DOWN-1")])
    assert [(r.ok, r.retryable) for r in results] == [(False, True)]


def test_bad_credentials_raise_auth_error(kit: Kit) -> None:
    credentials = {**kit.settings.credentials, **kit.bad_credentials}
    conn = kit.connector(credentials=credentials)
    with pytest.raises(AuthError):
        conn.describe(kit.obj)


def test_read_only_connector_reads_but_refuses_writes(kit: Kit) -> None:
    seed(kit, kit.connector(), ["RO-1"])
    conn = kit.connector(read_only=True)
    assert any(page for page in read_all(conn, kit))
    assert set(conn.get_by_external_id(kit.obj, kit.ext_field, ["RO-1"])) == {"RO-1"}
    with pytest.raises(ReadOnlyViolation):
        conn.upsert(kit.obj, kit.ext_field, [kit.record("RO-2")])
    with pytest.raises(ReadOnlyViolation):
        conn.update(kit.obj, [("1", {kit.name_field: "x"})])
    with pytest.raises(ReadOnlyViolation):
        conn.delete(kit.obj, ["1"])


def test_unknown_object_is_a_fatal_vendor_error(kit: Kit) -> None:
    conn = kit.connector()
    with pytest.raises(FatalVendorError) as described:
        conn.describe("NoSuchThing")
    assert described.value.status in (400, 404)
    with pytest.raises(FatalVendorError) as read:
        list(conn.read("NoSuchThing", fields=["Name"]))
    assert read.value.code  # the vendor's own code travels with the error
