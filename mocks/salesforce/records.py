"""How stored records look on the wire: attributes, system fields and Salesforce timestamps.

Field access is compiled once per query into small getters, because a page renders
thousands of rows and per-value dispatch on the field type dominated the cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any

from mocks.salesforce.schema import FieldDef, SObjectDef
from mocks.store import StoredRecord

Getter = Callable[[StoredRecord], Any]
Renderer = Callable[[StoredRecord], dict[str, Any]]


def format_datetime(value: datetime) -> str:
    """`2024-01-15T10:22:33.000+0000`: milliseconds, UTC, offset without a colon."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="milliseconds")[:23] + "+0000"


def parse_datetime(text: str) -> datetime:
    """Parse the ISO forms Salesforce accepts (`Z`, `+0000`, `+00:00`, optional fraction)."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    elif len(raw) >= 5 and raw[-5] in "+-" and raw[-4:].isdigit() and "T" in raw:
        raw = f"{raw[:-2]}:{raw[-2:]}"
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def record_url(sobject: str, record_id: str, version: str) -> str:
    return f"/services/data/v{version}/sobjects/{sobject}/{record_id}"


def _system_getter(fd: FieldDef, user_id: str) -> Getter:
    source = fd.system
    if source == "id":
        return attrgetter("id")
    if source == "deleted":
        return attrgetter("deleted")
    if source == "created":
        return attrgetter("created_at")
    if source == "modified":
        return attrgetter("modified_at")
    if source == "owner":  # set on create or update, else the org's integration user
        return lambda rec: rec.fields.get(fd.name) or user_id
    return lambda rec: user_id


def native_getter(fd: FieldDef, user_id: str) -> Getter:
    """Read a field as Python sees it (datetime, date, bool, number, str or None)."""
    if fd.system is not None:
        return _system_getter(fd, user_id)
    name = fd.name
    if fd.type == "datetime":
        return lambda rec: None if (v := rec.fields.get(name)) is None else parse_datetime(v)
    if fd.type == "date":
        return lambda rec: None if (v := rec.fields.get(name)) is None else date.fromisoformat(v)
    return lambda rec: rec.fields.get(name)


def wire_getter(fd: FieldDef, user_id: str) -> Getter:
    """Read a field as JSON carries it (stored date and datetime fields are already text)."""
    if fd.system in ("created", "modified"):
        native = _system_getter(fd, user_id)
        return lambda rec: format_datetime(native(rec))
    if fd.system is not None:
        return _system_getter(fd, user_id)
    name = fd.name
    return lambda rec: rec.fields.get(name)


def renderer(
    sobject: SObjectDef, fields: Iterable[FieldDef], version: str, user_id: str
) -> Renderer:
    """A function turning a record into `{"attributes": {"type", "url"}, <field>: ...}`."""
    getters = [(fd.name, wire_getter(fd, user_id)) for fd in fields]
    type_name = sobject.name
    url_base = record_url(type_name, "", version)

    def render(rec: StoredRecord) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {"type": type_name, "url": url_base + rec.id}}
        for name, get in getters:
            out[name] = get(rec)
        return out

    return render


def render_record(
    sobject: SObjectDef, rec: StoredRecord, fields: Iterable[FieldDef], version: str, user_id: str
) -> dict[str, Any]:
    return renderer(sobject, fields, version, user_id)(rec)


def frozen(rec: StoredRecord) -> StoredRecord:
    """A copy that later writes to the store cannot change (a query locator's snapshot).
    The `fields` dict is shared: the store never changes one in place (copy-on-write)."""
    return StoredRecord(
        rec.obj, rec.id, rec.fields, rec.version, rec.created_at, rec.modified_at,
        rec.deleted, rec.deleted_at,
    )  # fmt: skip
