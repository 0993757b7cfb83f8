"""The org's lookup index answers exactly as the row-by-row scan does: the same queries run
both ways (`query_rows(use_index=False)` is the scan) over randomised orgs holding case
variants, nulls, values of the wrong type, deleted and purged rows, silent writes, resets,
and rows written between queries."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from mocks.salesforce import lookup_index
from mocks.salesforce.commerce_rules import order_items
from mocks.salesforce.config import DEFAULT_USER_ID
from mocks.salesforce.dml import UnitOfWork, folded_holders
from mocks.salesforce.ids import IdAllocator, make_id
from mocks.salesforce.query.evaluate import BoundQuery, compile_query
from mocks.salesforce.query.literals import membership_test, value_test
from mocks.salesforce.query.plan import object_size, query_rows
from mocks.salesforce.records import native_getter
from mocks.salesforce.schema import ACCOUNT, CONTACT
from mocks.salesforce.schema.org import USER
from mocks.salesforce.values import RecordError
from mocks.store import RecordStore

NOW = datetime(2024, 1, 15, 10, 22, 33, 123000, tzinfo=UTC)
KEYS = ["ext-a", "EXT-A", "Ext-b", "ext-B", "straße", "STRASSE", "x", "X", "", " x"]
NAMES = ["Acme", "acme", "ACME", "Globex", "globex ", "Initech", None]


def _compile(store: RecordStore, soql: str) -> BoundQuery:
    getter_for = partial(native_getter, user_id=DEFAULT_USER_ID)
    return compile_query(soql, now=NOW, getter_for=getter_for, records=store)


def _run(store: RecordStore, soql: str, *, include_deleted: bool, use_index: bool) -> Any:
    """(ids in order) or ("error", exception type): what the query answers one way."""
    query = _compile(store, soql)
    rows = query_rows(store, query, include_deleted=include_deleted, use_index=use_index)
    try:
        if query.grouping is not None:
            return query.aggregate(rows)
        return [rec.id for rec in query.run(rows)]
    except TypeError as exc:  # a value of the wrong type: the scan fails, so must the index
        return ("error", type(exc))


def _same(store: RecordStore, soql: str) -> None:
    for include_deleted in (False, True):
        indexed = _run(store, soql, include_deleted=include_deleted, use_index=True)
        scanned = _run(store, soql, include_deleted=include_deleted, use_index=False)
        assert indexed == scanned, (soql, include_deleted)


def _account(rng: random.Random) -> dict[str, Any]:
    employees = rng.choice([None, 1, 2, 2.0, 3])
    fields: dict[str, Any] = {"Name": rng.choice(NAMES), "NumberOfEmployees": employees}
    if rng.random() < 0.8:
        fields["External_Id__c"] = rng.choice([*KEYS, None])
    return fields


def _write_some(store: RecordStore, rng: random.Random, counter: list[int], count: int) -> None:
    """Random inserts, updates, deletes, purges and silent updates."""
    for _ in range(count):
        live = [r.id for r in store.records("Account")]
        roll = rng.random()
        if roll < 0.45 or not live:
            counter[0] += 1
            store.insert("Account", make_id("001", counter[0]), _account(rng))
        elif roll < 0.65:
            store.update("Account", rng.choice(live), _account(rng))
        elif roll < 0.75:
            store.update("Account", rng.choice(live), _account(rng), touch=False)
        elif roll < 0.9:
            store.delete("Account", rng.choice(live))
        else:
            store.purge("Account", rng.choice(live))


def _queries(store: RecordStore, rng: random.Random) -> list[str]:
    ids = [r.id for r in store.records("Account", include_deleted=True)]
    picked = rng.sample(ids, min(4, len(ids)))
    in_ids = ", ".join(f"'{i}'" for i in [*picked, *(i[:15] for i in picked[:2])])
    keys = ", ".join(f"'{k}'" for k in rng.sample(KEYS, 4))
    key = rng.choice(KEYS)
    return [
        f"SELECT Id FROM Account WHERE External_Id__c = '{key}'",
        f"SELECT Id FROM Account WHERE External_Id__c IN ({keys})",
        f"SELECT Id FROM Account WHERE External_Id__c IN ({keys}) AND Name = 'acme'",
        f"SELECT Id FROM Account WHERE Name = 'ACME' AND External_Id__c IN ({keys})"
        " ORDER BY Name DESC, NumberOfEmployees NULLS LAST LIMIT 3 OFFSET 1",
        f"SELECT Id FROM Account WHERE Id IN ({in_ids})",
        f"SELECT Id FROM Account WHERE Id = '{picked[0][:15]}'" if picked else
        "SELECT Id FROM Account WHERE Id = '001000000000001'",
        f"SELECT Id FROM Account WHERE Id IN ({in_ids}) AND NOT Name = 'Acme'",
        "SELECT Id FROM Account WHERE NumberOfEmployees IN (2, 3)",
        "SELECT Id FROM Account WHERE NumberOfEmployees = 2",
        "SELECT Id FROM Account WHERE Name IN ('acme', 'globex ')",
        "SELECT Id FROM Account WHERE External_Id__c IN ('ext-a', null)",
        "SELECT Id FROM Account WHERE External_Id__c = null",
        f"SELECT Id FROM Account WHERE External_Id__c NOT IN ({keys})",
        f"SELECT Id FROM Account WHERE External_Id__c = '{key}' OR Name = 'Acme'",
        f"SELECT COUNT() FROM Account WHERE External_Id__c IN ({keys})",
        f"SELECT Name, COUNT(Id) n FROM Account WHERE External_Id__c IN ({keys}) GROUP BY Name",
    ]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_queries_answer_as_the_scan_over_random_writes(seed: int) -> None:
    rng = random.Random(seed)
    store, counter = RecordStore(clock=lambda: NOW), [0]
    for _ in range(8):  # rounds of writes between queries, the index following along
        _write_some(store, rng, counter, rng.randint(1, 40))
        for soql in _queries(store, rng):
            _same(store, soql)
    assert object_size(store, "Account", include_deleted=True) == len(
        store.records("Account", include_deleted=True)
    )
    assert object_size(store, "Account", include_deleted=False) == len(store.records("Account"))


def test_a_value_of_the_wrong_type_fails_both_ways() -> None:
    """A number stored in a text field breaks the case-folding comparison: the index keeps
    such a row aside and offers it to every lookup, so the query fails as the scan does."""
    store = RecordStore(clock=lambda: NOW)
    store.insert("Account", make_id("001", 1), {"Name": "k", "External_Id__c": "k"})
    store.insert("Account", make_id("001", 2), {"Name": 42, "External_Id__c": "j"})
    soql = "SELECT Id FROM Account WHERE Name IN ('k', 'j')"
    assert _run(store, soql, include_deleted=False, use_index=True) == ("error", TypeError)
    _same(store, soql)


def test_resets_and_reloads_rebuild_the_index(tmp_path: Any) -> None:
    store = RecordStore(clock=lambda: NOW)
    store.insert("Account", make_id("001", 1), {"Name": "A", "External_Id__c": "k"})
    soql = "SELECT Id FROM Account WHERE External_Id__c = 'k'"
    assert _run(store, soql, include_deleted=False, use_index=True) == [make_id("001", 1)]
    store.save(tmp_path / "org.db")
    store.reset()
    assert _run(store, soql, include_deleted=False, use_index=True) == []
    store.insert("Account", make_id("001", 2), {"Name": "B", "External_Id__c": "k"})
    assert _run(store, soql, include_deleted=False, use_index=True) == [make_id("001", 2)]
    store.load(tmp_path / "org.db")
    assert _run(store, soql, include_deleted=False, use_index=True) == [make_id("001", 1)]


def test_a_purged_id_made_again_comes_last_as_in_the_store() -> None:
    store = RecordStore(clock=lambda: NOW)
    first, second = make_id("001", 1), make_id("001", 2)
    for rid in (first, second):
        store.insert("Account", rid, {"Name": "A", "External_Id__c": "k"})
    soql = "SELECT Id FROM Account WHERE External_Id__c = 'k'"
    assert _run(store, soql, include_deleted=False, use_index=True) == [first, second]
    store.purge("Account", first)
    store.insert("Account", first, {"Name": "A", "External_Id__c": "k"})
    assert _run(store, soql, include_deleted=False, use_index=True) == [second, first]
    _same(store, soql)


def test_reference_fields_and_other_objects_are_served_too() -> None:
    store = RecordStore(clock=lambda: NOW)
    parent = make_id("001", 1)
    store.insert("Account", parent, {"Name": "A"})
    for n in range(1, 6):
        store.insert("Contact", make_id("003", n), {"LastName": f"L{n}",
                     "AccountId": parent if n % 2 else None})  # fmt: skip
    soql = f"SELECT Id FROM Contact WHERE AccountId = '{parent[:15]}'"
    query = _compile(store, soql)
    assert query.seek is not None and query.seek.field is CONTACT.field("AccountId")
    assert _run(store, soql, include_deleted=False, use_index=True) == [
        make_id("003", n) for n in (1, 3, 5)
    ]
    store.update("Contact", make_id("003", 3), {"AccountId": None})
    _same(store, soql)


def test_only_plain_equalities_seek() -> None:
    store = RecordStore(clock=lambda: NOW)
    no_seek = [
        "SELECT Id FROM Account",
        "SELECT Id FROM Account WHERE External_Id__c = null",
        "SELECT Id FROM Account WHERE Name = 'a' OR External_Id__c = 'k'",
        "SELECT Id FROM Account WHERE CreatedDate = TODAY",
        "SELECT Id FROM Account WHERE OwnerId = '005000000000001AAA'",
        "SELECT Id FROM Contact WHERE Account.Name = 'a'",
        "SELECT Id FROM Account WHERE Name != 'a'",
    ]
    for soql in no_seek:
        assert _compile(store, soql).seek is None, soql
    narrowest = _compile(store, "SELECT Id FROM Account WHERE Name IN ('a', 'b') AND "
                                "External_Id__c = 'K'")  # fmt: skip
    assert narrowest.seek is not None
    # A unique case-sensitive field keeps the key's case; any other text is folded.
    assert (narrowest.seek.field.name, narrowest.seek.keys) == ("External_Id__c", ("K",))


@pytest.mark.parametrize("seed", range(4))
def test_upsert_holders_answer_as_the_scan(seed: int) -> None:
    """The case-insensitive holder lookup of a unique text field (as `UnitOfWork.holders`
    asks it) from the index, against the scan, with writes between lookups."""
    rng = random.Random(100 + seed)
    store, counter = RecordStore(clock=lambda: NOW), [0]
    name = ACCOUNT.field("Name")
    assert name is not None
    for _ in range(6):
        _write_some(store, rng, counter, rng.randint(1, 30))
        for value in [n for n in NAMES if n is not None] + ["nobody"]:
            key = value.casefold()
            indexed = folded_holders(store, ACCOUNT, name, key)
            assert indexed == folded_holders(store, ACCOUNT, name, key, use_index=False)
    lookup_index.forget(store)  # a fresh index answers the same
    assert folded_holders(store, ACCOUNT, name, "acme") == folded_holders(
        store, ACCOUNT, name, "acme", use_index=False
    )


@pytest.mark.parametrize("operands", [["a", "b"], [1, 2.5], [True], ["1"], [1], [NOW.date()]])
def test_membership_answers_as_one_test_per_operand(operands: list[Any]) -> None:
    member = membership_test(operands)
    assert member is not None
    tests = [value_test("=", operand) for operand in operands]
    for value in [None, "a", "b", "c", 1, 1.0, 2.5, True, False, 0, "1", NOW.date(), NOW,
                  ["a"], {"a": 1}]:  # fmt: skip
        assert member(value) == any(t(value) for t in tests), (operands, value)
    assert membership_test(["a", None]) is None
    assert membership_test([(NOW.date(), NOW.date())]) is None


def _first_trimmed(rows: list[Any], field: str, key: str) -> list[str]:
    return [
        r.id
        for r in rows
        if isinstance(v := r.fields.get(field), str) and v.strip().casefold() == key
    ]


@pytest.mark.parametrize("seed", range(3))
def test_duplicate_rule_lookups_answer_as_the_scan(seed: int) -> None:
    """The duplicate rule matches names trimmed and case-folded: its own map of the field,
    beside the SOQL one, answers as testing every live row does."""
    rng = random.Random(200 + seed)
    store, counter = RecordStore(clock=lambda: NOW), [0]
    for _ in range(6):
        _write_some(store, rng, counter, rng.randint(1, 30))
        for value in ["acme", "globex", " Initech ", "nobody"]:
            key = lookup_index.trim_fold(value)
            rows = lookup_index.trimmed_candidates(store, "Account", "Name", key)
            assert rows is not None
            assert _first_trimmed(rows, "Name", key) == _first_trimmed(
                store.records("Account"), "Name", key
            )


def test_order_items_by_order_answer_as_the_scan() -> None:
    """Order roll-ups and cascades read an order's items from the index: the items they
    keep (those of the orders asked) are the scan's, in its order, after moves and deletes."""
    rng = random.Random(7)
    store = RecordStore(clock=lambda: NOW)
    orders = [make_id("801", n) for n in range(1, 5)]
    for n in range(1, 60):
        store.insert("OrderItem", make_id("802", n), {"OrderId": rng.choice([*orders, None])})
    for n in rng.sample(range(1, 60), 10):
        store.update("OrderItem", make_id("802", n), {"OrderId": rng.choice(orders)})
    for n in rng.sample(range(1, 60), 8):
        store.delete("OrderItem", make_id("802", n))
    for wanted in ({orders[0]}, {orders[1], orders[3]}, {"801000000000099AAA"}):
        kept = [r.id for r in order_items(store, wanted) if r.fields.get("OrderId") in wanted]
        every = [r.id for r in store.records("OrderItem") if r.fields.get("OrderId") in wanted]
        assert kept == every


def test_writes_racing_queries_leave_the_index_in_step() -> None:
    """A writer thread and queries at once: answers during the race are whatever the store
    held, but once the writer stops the index answers exactly as the scan again."""
    store, counter = RecordStore(clock=lambda: NOW), [0]
    _write_some(store, random.Random(1), counter, 50)
    soql = "SELECT Id FROM Account WHERE External_Id__c IN ('ext-a', 'x', 'Ext-b')"
    query = _compile(store, soql)
    done = threading.Event()

    def writer() -> None:
        _write_some(store, random.Random(2), counter, 400)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    for _ in range(2000):  # bounded; usually the writer finishes first
        query_rows(store, query, include_deleted=False)
        if done.is_set():
            break
    thread.join(30)
    assert done.is_set()
    _same(store, soql)


def test_unique_text_fields_refuse_case_variants_as_the_index_follows_writes() -> None:
    """`UnitOfWork` checks a case-insensitive unique field (a user's nickname) through the
    index: a case variant of a held value is a duplicate of its holder until that changes."""
    store = RecordStore(clock=lambda: NOW)
    first, second, third = (make_id("005", n) for n in (1, 2, 3))
    for rid, nick in ((first, "Alice"), (second, "bob"), (third, "alice")):
        store.insert("User", rid, {"LastName": "L", "CommunityNickname": nick})
    store.delete("User", third)  # deleted: holds nothing

    def duplicate_of(value: str) -> str | None:
        try:
            UnitOfWork(store, IdAllocator()).update(USER, second, {"CommunityNickname": value})
        except RecordError as err:
            assert err.problems[0].code == "DUPLICATE_VALUE"
            return err.problems[0].message.rsplit(" ", 1)[-1]
        return None

    assert duplicate_of("ALICE") == first
    store.update("User", first, {"CommunityNickname": "Carol"})
    assert duplicate_of("ALICE") is None
    assert duplicate_of("carol") == first
