"""Keyset pages are read from an ordered index, not by testing every row: same rows, same
order, also for ties on one second, NULL stamps, extra conditions and writes between pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mocks.netsuite.query.execute import Executor
from mocks.netsuite.query.keyset import find_seek
from mocks.netsuite.query.suiteql import parse
from mocks.netsuite.seed import seed_base
from mocks.store import RecordStore

T0 = datetime(2024, 3, 1, 9, 0, 0, tzinfo=UTC)
STAMP = "TO_TIMESTAMP('{}', 'YYYY-MM-DD HH24:MI:SS')"


@pytest.fixture
def store() -> RecordStore:
    store = RecordStore()
    seed_base(store)
    for n in range(1, 61):  # three records a second, so ties span every page boundary
        fields = {"companyName": f"Firm {n:02d}", "isPerson": n % 7 == 0, "subsidiary": "1"}
        store.insert("customer", str(n), fields, at=T0 + timedelta(seconds=n // 3))
    return store


def _page(store: RecordStore, where: str, order: str = "lastmodifieddate, id") -> list[str]:
    query = parse(f"SELECT id FROM customer WHERE {where} ORDER BY {order}")
    return [
        row["id"] for row in Executor(store, "YYYY-MM-DD").run(query, limit=1000, offset=0).rows
    ]


def _keyset(stamp: datetime, last_id: int) -> str:
    at = STAMP.format(stamp.strftime("%Y-%m-%d %H:%M:%S"))
    return f"(lastmodifieddate > {at} OR (lastmodifieddate = {at} AND id > {last_id}))"


@pytest.mark.parametrize("extra", ["", "isperson = 'F' AND "], ids=["keyset", "and-ed"])
def test_a_keyset_page_matches_the_row_by_row_answer(store: RecordStore, extra: str) -> None:
    keys = [(T0, 0), (T0 + timedelta(seconds=5), 16), (T0 + timedelta(seconds=15), 46)]
    for stamp, last_id in keys:
        where = extra + _keyset(stamp, last_id)
        text = f"SELECT id FROM customer WHERE {where} ORDER BY lastmodifieddate, id"
        assert find_seek(parse(text)) is not None
        # a third ORDER BY key leaves the index out: the row-by-row answer, same order here
        slow = _page(store, where, "lastmodifieddate, id, companyname")
        assert _page(store, where) == slow and slow


def test_the_index_follows_writes_between_pages(store: RecordStore) -> None:
    where = _keyset(T0 + timedelta(seconds=10), 31)
    before = _page(store, where)
    store.update("customer", "2", {"companyName": "Moved"}, at=T0 + timedelta(seconds=30))
    store.insert("customer", "61", {"companyName": "New", "subsidiary": "1"},
                 at=T0 + timedelta(seconds=11))  # fmt: skip
    after = _page(store, where)
    assert after[-1] == "2" and "61" in after and len(after) == len(before) + 2
    assert after == _page(store, where, "lastmodifieddate, id, companyname")


def _at(seconds: int) -> str:
    return STAMP.format((T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S"))


@pytest.mark.parametrize(
    "where",
    [
        f"lastmodifieddate >= {_at(5)}",
        f"lastmodifieddate > {_at(5)}",
        f"lastmodifieddate < {_at(9)}",
        f"lastmodifieddate <= {_at(9)}",
        f"lastmodifieddate >= {_at(5)} AND lastmodifieddate < {_at(9)}",
        f"isperson = 'F' AND lastmodifieddate >= {_at(5)} AND lastmodifieddate < {_at(12)}",
        f"lastmodifieddate >= {_at(5)} AND lastmodifieddate < {_at(12)} AND "
        + _keyset(T0 + timedelta(seconds=7), 22),
        f"lastmodifieddate >= {_at(30)}",  # past every record: none
    ],
)
def test_a_stamp_span_is_read_from_the_index_with_the_row_by_row_answer(
    store: RecordStore, where: str
) -> None:
    """A span's bounds on the ordered column (a full read in spans) bisect the index: the
    rows on a bound's own second are in or out exactly as the row-by-row test says."""
    text = f"SELECT id FROM customer WHERE {where} ORDER BY lastmodifieddate, id"
    assert find_seek(parse(text)) is not None
    assert _page(store, where) == _page(store, where, "lastmodifieddate, id, companyname")


def test_other_shapes_keep_the_row_by_row_test(store: RecordStore) -> None:
    at = STAMP.format("2024-03-01 09:00:05")
    for where, order in [
        ("companyname > 'Firm 10'", "lastmodifieddate, id"),
        ("lastmodifieddate > SYSDATE AND id > 3", "lastmodifieddate, id"),
        (f"(lastmodifieddate > {at} OR (lastmodifieddate = {at} AND id > 3))", "id"),
        (f"(lastmodifieddate > {at} OR (lastmodifieddate = {at} AND id > 3))",
         "lastmodifieddate DESC, id"),
    ]:  # fmt: skip
        assert find_seek(parse(f"SELECT id FROM customer WHERE {where} ORDER BY {order}")) is None


@pytest.mark.parametrize(
    "select",
    [
        "SELECT id, companyname FROM customer",
        "SELECT id, BUILTIN.DF(subsidiary) AS s FROM customer",
    ],
    ids=["plain", "relational"],
)
def test_a_page_asked_by_id_reads_those_records_with_the_same_answer(
    store: RecordStore, select: str
) -> None:
    wanted = "id IN (3, 5, 14, 99)"
    executor = Executor(store, "YYYY-MM-DD")

    def rows(where: str) -> list[dict[str, str]]:
        query = parse(f"{select} WHERE {where} ORDER BY id")
        return executor.run(query, limit=1000, offset=0).rows

    fast = rows(f"{wanted} AND isperson = 'F'")
    slow = rows(f"({wanted} OR {wanted}) AND isperson = 'F'")  # an OR reads every row
    assert fast == slow and [r["id"] for r in fast] == ["3", "5"]  # 14 is a person
