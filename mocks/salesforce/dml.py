"""Planned writes: validate every record of a request first, then apply them together.

A `UnitOfWork` checks each create, update, upsert or delete against the store *and* against
what earlier records of the same request already claimed (ids, unique values), without
touching the store. `commit` applies the accepted writes at one timestamp, so an allOrNone
request that fails anywhere leaves the store exactly as it was. Callers hold the app's write
lock from the first plan to the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from mocks.salesforce import commerce_rules, lookup_index, parent_refs
from mocks.salesforce.errors import NOT_FOUND_MESSAGE
from mocks.salesforce.ids import IdAllocator, InvalidId, normalize_id
from mocks.salesforce.owners import check_owner
from mocks.salesforce.query.plan import object_size
from mocks.salesforce.schema import SOBJECTS, STRING_TYPES, FieldDef, SObjectDef, compound_name
from mocks.salesforce.values import Problem, RecordError, coerce_value, prepare_fields
from mocks.store import RecordStore, StoredRecord

OpKind = Literal["create", "update", "delete"]
# Puts the org's directory (users, ...) in the store when any of the objects is one of its
# types (`seed.directory.ensure_directory` bound to the store and the org's config).
Directory = Callable[[Iterable[str]], None]


@dataclass
class Planned:
    kind: OpKind
    sobject: SObjectDef
    record_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    created: bool = False


class MultipleMatches(RecordError):
    """An external-id value matched several records (a single call answers 300)."""

    def __init__(self, sobject: SObjectDef, fd: FieldDef, value: Any, ids: list[str]) -> None:
        message = f"{fd.name}: more than one record found for external id field: {ids}"
        super().__init__([Problem("DUPLICATE_EXTERNAL_ID", message, [fd.name])], status=300)
        self.sobject = sobject
        self.ids = ids


def resolve_id(sobject: SObjectDef, raw: Any) -> str:
    """Normalize a 15/18-character id of `sobject`, or raise MALFORMED_ID."""
    try:
        record_id = normalize_id(raw)
    except InvalidId:
        record_id = ""
    if not record_id or record_id[:3] != sobject.key_prefix:
        raise RecordError.one(
            "MALFORMED_ID", f"{sobject.label} ID: id value of incorrect type: {raw}", ["Id"]
        )
    return record_id


def _unique_key(fd: FieldDef, value: Any) -> Any:
    return value if fd.case_sensitive or not isinstance(value, str) else value.casefold()


def folded_holders(
    store: RecordStore, sobject: SObjectDef, fd: FieldDef, key: str, *, use_index: bool = True
) -> list[str]:
    """Ids of live stored records whose text `fd` case-folds to `key`, in store order: from
    the org's index when it answers (a text field's index folds as this test does), else by
    testing every row (`use_index=False`: the reference path)."""
    rows = None
    if use_index and fd.type in STRING_TYPES:
        rows = lookup_index.candidates(store, sobject.name, fd, (key,), include_deleted=False)
    if rows is None:
        rows = store.records(sobject.name)
    name = fd.name
    return [
        r.id
        for r in rows
        if isinstance(value := r.fields.get(name), str) and value.casefold() == key
    ]


class UnitOfWork:
    def __init__(
        self, store: RecordStore, allocator: IdAllocator, directory: Directory | None = None
    ) -> None:
        self._store = store
        self._allocator = allocator
        self._directory = directory  # None: the users are whatever the store holds
        self._directory_for: set[tuple[str, ...]] = set()  # reference targets ensured
        self.ops: list[Planned] = []
        self._claimed: dict[tuple[str, str, Any], str] = {}
        self._created: set[str] = set()
        self._deleted: set[str] = set()

    # -- lookups -----------------------------------------------------------------------------

    def _existing(self, sobject: SObjectDef, raw: Any) -> StoredRecord:
        record_id = resolve_id(sobject, raw)
        rec = self._store.get(sobject.name, record_id, include_deleted=True)
        if rec is None:
            raise RecordError.one("NOT_FOUND", NOT_FOUND_MESSAGE, status=404)
        if rec.deleted or record_id in self._deleted:
            raise RecordError.one("ENTITY_IS_DELETED", "entity is deleted", status=404)
        return rec

    def lookup(self, obj: str, record_id: str) -> dict[str, Any] | None:
        """A live record's fields: the store's, or those of a create planned earlier."""
        if record_id in self._deleted:
            return None
        rec = self._store.get(obj, record_id)
        if rec is not None:
            return rec.fields
        return next((op.fields for op in self.ops if op.kind == "create"
                     and op.record_id == record_id), None)  # fmt: skip

    def _planned(self, obj: str) -> list[dict[str, Any]]:
        return [op.fields for op in self.ops if op.kind == "create" and op.sobject.name == obj]

    def _entries(self, product: Any) -> list[dict[str, Any]]:
        """Price book entries stored or planned, those of `product` at least (the stored
        ones from the org's index: copying them all per entry made a load quadratic)."""
        fd = SOBJECTS["PricebookEntry"].field("Product2Id")
        assert fd is not None
        rows = None
        if product is not None:
            rows = lookup_index.candidates(
                self._store, "PricebookEntry", fd, (product,), include_deleted=False
            )
        if rows is None:
            rows = self._store.records("PricebookEntry")
        return [r.fields for r in rows] + self._planned("PricebookEntry")

    def holders(self, sobject: SObjectDef, fd: FieldDef, value: Any) -> list[str]:
        """Ids of live records (stored or planned) whose `fd` equals `value`."""
        if fd.case_sensitive or not isinstance(value, str):
            self._store.ensure_index(sobject.name, fd.name)
            stored = [r.id for r in self._store.find(sobject.name, fd.name, value)]
        else:
            stored = folded_holders(self._store, sobject, fd, value.casefold())
        ids = [i for i in stored if i not in self._deleted]
        claimed = self._claimed.get((sobject.name, fd.name, _unique_key(fd, value)))
        if claimed and claimed not in ids:
            ids.append(claimed)
        return ids

    # -- checks ------------------------------------------------------------------------------

    def _check_unique(self, sobject: SObjectDef, values: dict[str, Any], self_id: str) -> None:
        for fd in sobject.unique_fields:
            value = values.get(fd.name)
            if value is None:
                continue
            others = [i for i in self.holders(sobject, fd, value) if i != self_id]
            if others:
                raise RecordError.one(
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {fd.name} duplicates value on record with id: "
                    f"{others[0]}",
                )

    def _check_references(self, sobject: SObjectDef, values: dict[str, Any]) -> None:
        for name, value in values.items():
            fd = sobject.field(name)
            if fd is None or fd.type != "reference" or value is None:
                continue
            targets = [SOBJECTS[t] for t in fd.reference_to if t in SOBJECTS]
            if self._directory is not None and fd.reference_to not in self._directory_for:
                self._directory(fd.reference_to)  # a user exists before any data is loaded
                self._directory_for.add(fd.reference_to)
            exists = value in self._created or any(
                self._store.get(t.name, value) is not None for t in targets
            )
            if not exists or value in self._deleted:
                raise RecordError.one(
                    "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [fd.name]
                )
        check_owner(sobject, values, lambda user_id: self.lookup("User", user_id))

    def _claim(self, sobject: SObjectDef, values: dict[str, Any], record_id: str) -> None:
        for fd in sobject.unique_fields:
            value = values.get(fd.name)
            if value is not None:
                self._claimed[(sobject.name, fd.name, _unique_key(fd, value))] = record_id

    # -- planning ----------------------------------------------------------------------------

    def create(self, sobject: SObjectDef, body: dict[str, Any]) -> Planned:
        commerce_rules.ensure_standard_pricebook(self._store, sobject.name)
        body = parent_refs.resolve(sobject, body, self.holders)
        values = compound_name(sobject, prepare_fields(sobject, body, creating=True))
        self._check_references(sobject, values)
        self._check_unique(sobject, values, "")
        commerce_rules.on_create(sobject, values, self.lookup, self._entries)
        if any(fd.auto_number is not None for fd in sobject.fields):
            # Counted by the org's index (copying the rows made a load quadratic).
            numbered = object_size(self._store, sobject.name, include_deleted=True)
            taken = numbered + len(self._planned(sobject.name))
            commerce_rules.auto_numbers(sobject, values, taken)
        record_id = self._allocator.allocate(
            sobject.key_prefix,
            lambda i: (
                i in self._created
                or self._store.get(sobject.name, i, include_deleted=True) is not None
            ),
        )
        self._claim(sobject, values, record_id)
        self._created.add(record_id)
        op = Planned("create", sobject, record_id, values, created=True)
        self.ops.append(op)
        return op

    def update(self, sobject: SObjectDef, raw_id: Any, body: dict[str, Any]) -> Planned:
        commerce_rules.ensure_standard_pricebook(self._store, sobject.name)
        rec = self._existing(sobject, raw_id)
        body = parent_refs.resolve(sobject, body, self.holders)
        values = prepare_fields(sobject, body, creating=False)
        if sobject.compound_name and any(p in values for p in sobject.compound_name[1]):
            target = sobject.compound_name[0]
            values[target] = compound_name(sobject, {**rec.fields, **values})[target]
        self._check_references(sobject, values)
        self._check_unique(sobject, values, rec.id)
        commerce_rules.on_update(sobject, rec.fields, values)
        self._claim(sobject, values, rec.id)
        op = Planned("update", sobject, rec.id, values)
        self.ops.append(op)
        return op

    def delete(self, sobject: SObjectDef, raw_id: Any) -> Planned:
        rec = self._existing(sobject, raw_id)
        self._deleted.add(rec.id)
        op = Planned("delete", sobject, rec.id)
        self.ops.append(op)
        if sobject.name == "Order":  # master-detail: the order's items go with it
            items = SOBJECTS["OrderItem"]
            for item in commerce_rules.order_items(self._store, (rec.id,)):
                if item.fields.get("OrderId") == rec.id and item.id not in self._deleted:
                    self._deleted.add(item.id)
                    self.ops.append(Planned("delete", items, item.id))
        return op

    def external_id_field(self, sobject: SObjectDef, name: str) -> FieldDef:
        """The field an upsert may match on (an external id, or Id), else 404 NOT_FOUND."""
        fd = sobject.field(name)
        if fd is None or not (fd.external_id or fd.name == "Id"):
            raise RecordError.one(
                "NOT_FOUND",
                f"Provided external ID field does not exist or is not accessible: {name}",
                status=404,
            )
        return fd

    def upsert(
        self, sobject: SObjectDef, fd: FieldDef, raw_value: Any, body: dict[str, Any]
    ) -> Planned:
        """Create when nothing matches `fd == raw_value`, update the one match, or raise
        `MultipleMatches`. The body may repeat the matching field only with the same value."""
        if fd.name == "Id":
            op = self.update(sobject, raw_value, body)
            return op
        try:
            value = coerce_value(fd, raw_value)
        except Problem as problem:
            raise RecordError([problem]) from None
        if value is None:
            raise RecordError.one("MISSING_ARGUMENT", f"{fd.name} not specified", [fd.name])
        rest = {k: v for k, v in body.items() if k.lower() != fd.name.lower()}
        repeated = [v for k, v in body.items() if k.lower() == fd.name.lower()]
        if repeated and repeated[0] != raw_value:
            raise RecordError.one(
                "INVALID_FIELD",
                f"The value of {fd.name} in the body does not match the value in the URL",
                [fd.name],
            )
        matches = self.holders(sobject, fd, value)
        if len(matches) > 1:
            raise MultipleMatches(sobject, fd, value, sorted(matches))
        if matches and matches[0] in self._created:
            message = f"Duplicate external id specified: {value}"
            raise RecordError.one("DUPLICATE_EXTERNAL_ID", message, [fd.name])
        if matches:
            return self.update(sobject, matches[0], rest)
        return self.create(sobject, {**rest, fd.name: value})

    # -- applying ----------------------------------------------------------------------------

    def commit(self) -> None:
        """Apply every planned write at one timestamp (Salesforce stamps a transaction once)."""
        at = self._store.now()
        orders: set[str] = set()  # orders whose items changed: their TotalAmount rolls up
        for op in self.ops:
            name = op.sobject.name
            if name == "OrderItem":
                current = self._store.get(name, op.record_id)
                order_id = op.fields.get("OrderId") or (current.fields.get("OrderId")
                                                        if current else None)  # fmt: skip
                if order_id:
                    orders.add(str(order_id))
            if op.kind == "create":
                self._store.insert(name, op.record_id, op.fields, at=at)
            elif op.kind == "update":
                self._store.update(name, op.record_id, op.fields, at=at)
            else:
                self._store.delete(name, op.record_id, at=at)
        commerce_rules.order_totals(self._store, orders, at)
        self.ops = []
