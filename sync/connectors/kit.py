"""What a connector pack tells the conformance battery about its vendor.

The battery (`tests/sync/connectors/test_conformance.py`) runs every registered pack's kits
against the pack's sandbox: full and incremental reads, paging edges, upsert and read-back,
idempotent re-upsert, retriable and fatal faults. A kit names one object and what valid and
invalid records of it look like, as the pack's dialect hands them to the engine (plain
records). A pack without a kit fails the battery: joining the registry means joining it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.connectors.base import Connector

# key, and the ids `prepare` made -> a record to write
RecordMaker = Callable[[str, Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class ConformanceKit:
    """One object of one vendor, as the conformance battery exercises it.

    `record`, `too_long` and `missing_required` build plain records for an external-id
    value; `prepare`, when given, creates through the connector whatever those records refer
    to (a customer an order belongs to) and returns the ids the makers may use."""

    name: str  # "salesforce", or "<vendor>-<object>" for a further object
    vendor: str
    obj: str
    ext_field: str
    name_field: str  # a text field the battery changes
    record: RecordMaker
    too_long: RecordMaker
    missing_required: RecordMaker
    too_long_codes: frozenset[str]  # the vendor's error codes for an over-long value
    missing_codes: frozenset[str]  # ... and for a missing required field
    reports_created: bool  # the vendor says whether an upsert created the record
    required_field: str
    length_field: str
    length: int  # `length_field`'s limit, as describe reports it
    bad_credentials: Mapping[str, str]  # credentials the sandbox refuses
    group_size: int  # records sharing a timestamp in paging tests (3 groups span pages)
    page_size: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    prepare: Callable[[Connector], Mapping[str, str]] | None = None


__all__ = ["ConformanceKit", "RecordMaker"]
