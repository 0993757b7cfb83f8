"""The contract every vendor connector meets, and the plain shapes it speaks.

A connector hides a vendor's endpoints, auth, paging and batching; its dialect module turns
wire payloads into plain records (vendor field names, JSON-plain values) and back. The sync
engine and the reconciler only ever see these shapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

FieldType = Literal[
    "id",
    "string",
    "textarea",
    "email",
    "phone",
    "url",
    "picklist",
    "reference",
    "boolean",
    "currency",
    "double",
    "int",
    "date",
    "datetime",
    "object",
    "array",
]


@dataclass(frozen=True)
class FieldSchema:
    """What a target says about one of its fields (from describe / metadata-catalog)."""

    name: str
    type: FieldType
    length: int | None = None  # max characters for text types
    required: bool = False  # must be present and non-empty on create
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    picklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectSchema:
    name: str
    fields: dict[str, FieldSchema]

    def field(self, name: str) -> FieldSchema | None:
        return self.fields.get(name)


@dataclass(frozen=True)
class Record:
    """One record as read from a system. `fields` uses the vendor's own field names."""

    id: str
    fields: dict[str, Any]
    modified_at: datetime  # timezone-aware UTC
    deleted: bool = False


@dataclass(frozen=True)
class Watermark:
    """A (timestamp, id) cursor: records after it are new; ties on the timestamp break by id."""

    modified_at: datetime
    record_id: str = ""


@dataclass(frozen=True)
class RecordChange:
    """That a record changed, without its content: what a cheap key listing returns."""

    id: str
    external_id: str | None
    modified_at: datetime


@dataclass(frozen=True)
class WriteResult:
    """What happened to one record of a write batch, in input order."""

    key: str  # the external-id value (upsert) or record id (update/delete) that was sent
    ok: bool
    id: str | None = None  # the target's record id, when known
    created: bool = False
    error_code: str | None = None  # the vendor's code: STRING_TOO_LONG, USER_ERROR, ...
    # A refusal's reason; on a write that was applied, the vendor's warning about it (SAP's
    # `sap-message`), which the engine keeps on the audit row and lists with the run.
    message: str | None = None
    fields: tuple[str, ...] = ()  # fields the vendor blamed
    retryable: bool = False
    # The target changed the record after the flow read it (a stale ETag or version): a
    # conflict for governance, never an overwrite; the next run reads it again and settles it.
    stale: bool = False


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach one system; secrets are resolved from the environment before this is built."""

    vendor: str
    base_url: str
    credentials: dict[str, str] = field(default_factory=dict, repr=False)
    ca_path: str | None = None  # a CA bundle to trust (the mocks' local CA)
    read_only: bool = False
    timeout: float = 30.0
    max_retries: int = 5
    concurrency: int = 4  # requests in flight where the connector fans out
    page_size: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    system: str = ""  # the name harness.yaml gives this system (crm, erp), for messages


@runtime_checkable
class Connector(Protocol):
    """A vendor connector. Every method raises only `sync.errors` exceptions.

    Optional, outside the protocol: `preferred_write_batch` (an int), the records one write
    round should hold for the vendor's fastest write path (a bulk job), read by
    `sync.flow.sized_for`; a connector without it gets the flow's `batch_size`."""

    vendor: str

    def describe(self, obj: str) -> ObjectSchema:
        """Field inventory of `obj` from the vendor's metadata endpoint."""
        ...

    def read(
        self,
        obj: str,
        *,
        fields: Sequence[str] | None = None,
        since: Watermark | None = None,
        include_deleted: bool = False,
    ) -> Iterator[list[Record]]:
        """Pages of records, ordered by (modified_at, id); with `since`, those modified at or
        after `since.modified_at` (the engine drops the ties it has already seen)."""
        ...

    def get_by_external_id(
        self,
        obj: str,
        external_id_field: str,
        values: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
    ) -> dict[str, Record]:
        """Current records keyed by external-id value; values with no record are absent.
        `fields` as in `read` (child collections such as an Order's OrderItems included);
        None: every field."""
        ...

    def get_by_ids(
        self, obj: str, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, Record]:
        """Live records by their own id, read directly rather than through the vendor's
        query index (which may lag a write); ids with no live record are absent. `fields` as
        in `read` (an empty list: the ids alone); None: every field."""
        ...

    def changes(
        self, obj: str, external_id_field: str, since: Watermark | None
    ) -> Iterator[list[RecordChange]]:
        """Ids, external ids and modification times of records changed at or after `since`,
        in (modified_at, id) order, without their content: a few calls per thousand."""
        ...

    def upsert(
        self, obj: str, external_id_field: str, records: Sequence[dict[str, Any]]
    ) -> list[WriteResult]:
        """Create-or-update each record by its external-id value (which it must carry)."""
        ...

    def update(self, obj: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> list[WriteResult]:
        """Update records by target id: [(id, fields)]."""
        ...

    def delete(self, obj: str, ids: Sequence[str]) -> list[WriteResult]: ...

    def call_count(self) -> int:
        """API calls sent so far, retries and re-authentication included (for metrics)."""
        ...

    def close(self) -> None: ...
