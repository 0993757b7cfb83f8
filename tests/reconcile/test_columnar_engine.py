"""The columnar engine on its own: agreement with values_equal cell by cell, buckets, Parquet
frames, and loading that streams pages instead of holding a side in memory."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reconcile.columnar import (
    ColumnarError,
    ColumnarResult,
    ColumnarStore,
    FieldDifference,
    bucket_of,
    compare_records,
    compare_store,
    serial,
)
from reconcile.columnar import store as store_module
from reconcile.compare import FieldRuleView, values_equal

TEXT = FieldRuleView("name", ignore_case=True, ignore_whitespace=True)
EXACT = FieldRuleView("code")
AMOUNT = FieldRuleView("amount", abs_tolerance=0.01)
SHARE = FieldRuleView("share", rel_tolerance=0.001)
PHONE = FieldRuleView("phone", read_as="phone", default_region="US")
COUNTRY = FieldRuleView("country", read_as="country")
NESTED = FieldRuleView("lines")

# (rule, source value, target value): the engine must agree with values_equal on each.
CELLS: list[tuple[FieldRuleView, Any, Any]] = [
    (TEXT, "Acme  Trading", " acme trading "),
    (TEXT, "STRASSE", "straße"),
    (TEXT, "İstanbul", "istanbul"),
    (TEXT, "Ünïcødé", "ünïcødé"),
    (TEXT, "\u00a0Acme\u2003Ltd", "acme ltd"),
    (TEXT, "   ", None),
    (EXACT, "", None),
    (EXACT, None, None),
    (EXACT, "abc", "ABC"),
    (EXACT, "\x01b1", True),
    (EXACT, True, "true"),
    (EXACT, True, True),
    (EXACT, 1, True),
    (EXACT, "1", 1),
    (EXACT, "1.0", "1"),
    (EXACT, [], None),
    (AMOUNT, 10.0, "10.009"),
    (AMOUNT, 10.0, 10.02),
    (AMOUNT, 10, 10.0),
    (AMOUNT, math.inf, math.inf),
    (AMOUNT, math.nan, math.nan),
    (AMOUNT, math.inf, None),
    (AMOUNT, 0.0, -0.0),
    (SHARE, 1000.0, 1000.9),
    (SHARE, 1000.0, 1002.0),
    (PHONE, "+14155550100", "(415) 555-0100"),
    (PHONE, "+14155550100", "+14155550101"),
    (PHONE, "not a phone", "not a phone"),
    (COUNTRY, "GB", "United Kingdom"),
    (COUNTRY, "DE", "FR"),
    (NESTED, [{"sku": "A", "qty": 1}], [{"qty": 1.0, "sku": "A"}]),
    (NESTED, [{"sku": "A", "qty": 1}], [{"sku": "A", "qty": 2}]),
    (NESTED, {"a": [1, 2]}, {"a": [2, 1]}),
]


@pytest.mark.parametrize(
    ("rule", "source", "target"), CELLS, ids=[f"{r.path}-{i}" for i, (r, *_v) in enumerate(CELLS)]
)
def test_each_cell_agrees_with_the_python_comparator(
    rule: FieldRuleView, source: Any, target: Any
) -> None:
    result = compare_records([rule], [[("k", {rule.path: source})]], [[("k", {rule.path: target})]])
    assert result.matched == 1
    assert (result.equal == 1) is values_equal(source, target, rule)
    assert bool(result.differences) is not values_equal(source, target, rule)


def crafted() -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """Every cell of CELLS as one field of a wide record, plus missing and unexpected keys."""
    rules = rules_for_cells()
    source, target = [], []
    for i, (_rule, left, right) in enumerate(CELLS):
        source.append((f"k{i:03d}", {rules[i].path: left, "other": i}))
        target.append((f"k{i:03d}", {rules[i].path: right, "other": i}))
    source += [(f"missing{i}", {"other": i}) for i in range(3)]
    target += [(f"extra{i}", {"other": i}) for i in range(2)]
    return source, target


def rules_for_cells() -> list[FieldRuleView]:
    """One field per cell (its rule under a unique path), then an exact `other` field."""
    return [
        FieldRuleView(**{**rule.__dict__, "path": f"f{i}"}) for i, (rule, *_v) in enumerate(CELLS)
    ] + [FieldRuleView("other")]


def expected_differences() -> list[FieldDifference]:
    rules = rules_for_cells()
    return [
        FieldDifference(f"k{i:03d}", rules[i].path, left, right)
        for i, (rule, left, right) in enumerate(CELLS)
        if not values_equal(left, right, rule)
    ]


def comparable(result: ColumnarResult) -> tuple[Any, ...]:
    """The findings, with NaN made comparable (nan != nan) and the bucket count left out."""
    cells = [(d.key, d.path, repr(d.source), repr(d.target)) for d in result.differences]
    return (result.matched, result.equal, result.missing, result.unexpected, cells)


def test_a_crafted_world_yields_exactly_the_python_findings() -> None:
    source, target = crafted()
    result = compare_records(rules_for_cells(), [source], [target])
    assert result.missing == ("missing0", "missing1", "missing2")
    assert result.unexpected == ("extra0", "extra1")
    assert [(d.key, d.path) for d in result.differences] == [
        (d.key, d.path) for d in expected_differences()
    ]
    assert result.equal == len(CELLS) - len({d.key for d in expected_differences()})


@pytest.mark.parametrize("buckets", [2, 5, 16])
def test_buckets_give_the_findings_of_one_bucket(buckets: int) -> None:
    source, target = crafted()
    one = compare_records(rules_for_cells(), [source], [target])
    split = compare_records(rules_for_cells(), [source], [target], buckets=buckets)
    assert split.buckets == buckets
    assert comparable(split) == comparable(one)


def test_buckets_in_worker_processes_give_the_same_findings(tmp_path: Path) -> None:
    source, target = crafted()
    one = compare_records(rules_for_cells(), [source], [target])
    pooled = compare_records(
        rules_for_cells(), [source], [target], buckets=3, location="disk", workdir=tmp_path
    )
    assert comparable(pooled) == comparable(one)
    assert list(tmp_path.iterdir()) == []  # the spill directory is removed afterwards


def test_a_runner_seam_receives_picklable_bucket_tasks(tmp_path: Path) -> None:
    source, target = crafted()
    seen: list[int] = []

    def runner(fn: Any, tasks: Any) -> Any:
        seen.extend(task.bucket for task in tasks)
        return serial(fn, tasks)

    with ColumnarStore(rules_for_cells(), buckets=4, location="disk", workdir=tmp_path) as store:
        store.load_records("source", [source])
        store.load_records("target", [target])
        result = compare_store(store, runner=runner)
    assert sorted(seen) == [0, 1, 2, 3]
    assert comparable(result) == comparable(compare_records(rules_for_cells(), [source], [target]))


def test_bucket_of_is_the_sql_bucket() -> None:
    keys = [f"001A{i:014d}" for i in range(200)] + ["", "é", "🚚"]
    con = duckdb.connect()
    rows = con.execute(
        "SELECT k, CAST(md5_number_lower(k) % 7 AS INTEGER) FROM unnest(?) AS u(k)", [keys]
    ).fetchall()
    assert {k: b for k, b in rows} == {k: bucket_of(k, 7) for k in keys}
    assert len({bucket_of(k, 7) for k in keys}) == 7


def test_loading_streams_pages_without_holding_a_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows reach DuckDB while the pages are still being produced: the loader keeps at most
    one chunk of encoded rows, never the side."""
    monkeypatch.setattr(store_module, "CHUNK_ROWS", 10)
    rule = FieldRuleView("name")
    behind: list[int] = []
    with ColumnarStore([rule]) as store:

        def pages() -> Iterator[list[tuple[str, dict[str, Any]]]]:
            for page in range(50):
                loaded = store.counts()["source"]
                behind.append(page * 7 - loaded)
                yield [(f"k{page}-{i}", {"name": f"n{i}"}) for i in range(7)]

        assert store.load_records("source", pages()) == 350
        assert store.counts()["source"] == 350
    assert max(behind) < 10


def test_parquet_frames_agree_with_records(tmp_path: Path) -> None:
    """Text and numbers canonicalised in SQL (then re-checked) give the Python findings."""
    rules = [TEXT, EXACT, AMOUNT, SHARE]
    rows = [
        ("a", "Acme  Trading", "X1", 10.0, 1000.0, " acme trading ", "X1", 10.009, 1000.9),
        ("b", "STRASSE", "", 1.0, 5.0, "straße", None, 1.02, 5.0),
        ("c", "İstanbul", "y", None, 2.0, "istanbul", "Y", None, 2.001),
        ("d", "Ünïcødé", "\x01z", 3.0, 0.0, "ünïcødé", "\x01z", 3.0, -0.0),
        ("e", "only source", "q", 1.0, 1.0, None, None, None, None),
    ]
    con = duckdb.connect()
    for side, offset in (("source", 1), ("target", 5)):
        con.execute(
            "CREATE TABLE side (key VARCHAR, name VARCHAR, code VARCHAR, amount DOUBLE, "
            "share DOUBLE)"
        )
        for row in rows:
            if side == "target" and row[0] == "e":
                continue
            con.execute(
                "INSERT INTO side VALUES (?, ?, ?, ?, ?)", [row[0], *row[offset : offset + 4]]
            )
        con.execute(f"COPY side TO '{tmp_path / side}.parquet' (FORMAT parquet)")
        con.execute("DROP TABLE side")
    with ColumnarStore(rules) as store:
        store.load_parquet("source", tmp_path / "source.parquet", key="key")
        store.load_parquet("target", tmp_path / "target.parquet", key="key")
        frames = compare_store(store)
    names = ("name", "code", "amount", "share")
    source_pages = [[(r[0], dict(zip(names, r[1:5], strict=True))) for r in rows]]
    target_pages = [[(r[0], dict(zip(names, r[5:9], strict=True))) for r in rows if r[0] != "e"]]
    records = compare_records(rules, source_pages, target_pages)
    assert [(d.key, d.path) for d in frames.differences] == [
        (d.key, d.path) for d in records.differences
    ]
    in_field_order = [("b", "amount"), ("c", "name"), ("c", "code")]
    assert [(d.key, d.path) for d in frames.differences] == in_field_order
    assert (frames.missing, frames.equal) == (("e",), 2)


def test_a_rule_sql_cannot_read_is_refused_for_frames(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'k' AS key, '+1 415' AS phone) TO '{tmp_path}/p.parquet'")
    with ColumnarStore([PHONE]) as store, pytest.raises(ColumnarError, match="load_records"):
        store.load_parquet("source", tmp_path / "p.parquet", key="key")


def test_one_store_holds_one_encoding(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'k' AS key, 'x' AS code) TO '{tmp_path}/c.parquet'")
    with ColumnarStore([EXACT]) as store:
        store.load_records("source", [[("k", {"code": "x"})]])
        with pytest.raises(ColumnarError, match="both sides the same way"):
            store.load_parquet("target", tmp_path / "c.parquet", key="key")


def test_repeated_or_missing_keys_are_refused() -> None:
    rule = FieldRuleView("name")
    twice = [("k", {"name": "a"}), ("k", {"name": "b"})]
    with pytest.raises(ColumnarError, match=r"source keys repeat .*'k'"):
        compare_records([rule], [twice], [[("k", {"name": "a"})]])


def test_arrow_frames_load_page_by_page() -> None:
    polars = pytest.importorskip("polars")
    pages = [
        polars.DataFrame({"id": ["a", "b"], "name": ["Acme  Ltd", "Bolt"]}),
        polars.DataFrame({"id": ["c"], "name": ["Core"]}),
    ]
    target = [polars.DataFrame({"id": ["a", "b", "d"], "name": ["acme ltd", "Volt", "Dune"]})]
    with ColumnarStore([TEXT]) as store:
        assert store.load_frames("source", pages, key="id") == 3
        assert store.load_frames("target", target, key="id") == 3
        result = compare_store(store)
    assert [(d.key, d.source, d.target) for d in result.differences] == [("b", "bolt", "volt")]
    assert (result.missing, result.unexpected, result.equal) == (("c",), ("d",), 1)
