"""Stamps and change feeds move on every write: a record of the connector pack's kit,
created by upsert, changed by a second upsert and then by an update by id, gets a new entry
in the admin change feed for each write (with a rising version), and its modified stamp, as
the connector reads it back, moves each time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sync.connectors import Connector
from tests.mocks.battery.support import Sandbox


def _stamp(sandbox: Sandbox, conn: Connector, key: str) -> tuple[str, datetime]:
    kit = sandbox.writer
    found = conn.get_by_external_id(kit.obj, kit.ext_field, [key])
    assert key in found, f"{sandbox.name}: {kit.obj} {key!r} does not read back"
    return found[key].id, found[key].modified_at


def _logged(sandbox: Sandbox, since: int, record_id: str) -> list[dict[str, Any]]:
    obj = sandbox.writer.obj.lower()
    return [c for c in sandbox.changes(since)
            if c["id"] == record_id and str(c["object"]).lower() == obj]  # fmt: skip


def test_every_write_moves_the_change_feed_and_the_modified_stamp(sandbox: Sandbox) -> None:
    kit = sandbox.writer
    conn = sandbox.connector()
    ids = dict(kit.prepare(conn)) if kit.prepare is not None else {}
    key = "BATTERY-STAMP-1"
    record = kit.record(key, ids)

    def upsert(body: dict[str, Any]) -> None:
        (result,) = conn.upsert(kit.obj, kit.ext_field, [body])
        assert result.ok, f"{sandbox.name}: upsert of {kit.obj} {key!r} failed: {result}"

    def update(record_id: str) -> None:
        (result,) = conn.update(kit.obj, [(record_id, {kit.name_field: "Battery renamed"})])
        assert result.ok, f"{sandbox.name}: update of {kit.obj} {record_id} failed: {result}"

    seq = sandbox.last_seq()
    upsert(record)
    record_id, stamp = _stamp(sandbox, conn, key)
    created = _logged(sandbox, seq, record_id)
    assert created, f"{sandbox.name}: creating {kit.obj} {record_id} logged no change"
    versions = [created[-1]["version"]]
    writes = [
        ("a second upsert", lambda: upsert({**record, kit.name_field: "Battery upserted"})),
        ("an update by id", lambda: update(record_id)),
    ]
    for what, write in writes:
        sandbox.clock.tick()
        seq = sandbox.last_seq()
        write()
        moved_id, moved = _stamp(sandbox, conn, key)
        assert moved_id == record_id, f"{sandbox.name}: {what} made a new record"
        assert moved > stamp, f"{sandbox.name}: {what} left the modified stamp at {stamp}"
        logged = _logged(sandbox, seq, record_id)
        assert logged, f"{sandbox.name}: {what} of {kit.obj} {record_id} logged no change"
        assert all(c["kind"] != "create" for c in logged), (what, logged)
        assert logged[-1]["version"] > versions[-1], f"{sandbox.name}: {what}: {logged}"
        stamp, versions = moved, [*versions, logged[-1]["version"]]
