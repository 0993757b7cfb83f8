"""What mapping one record produces: the target payload and what went wrong on the way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

IssueCode = Literal[
    "required",
    "too_long",
    "invalid",
    "type",
    "unknown_field",
    "read_only",
    "truncated",
    "dropped",
    "unresolved_reference",
]


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one target field.

    As an issue it is fatal for the record (quarantine it with its payload and this reason);
    as a flag (`truncated`, `dropped`) the record goes on and the flag is worth logging.
    `message` names the source and target fields and, where there is one, the limit.
    `value` is the offending value: the source value for `invalid`, `required` and
    `dropped`, the full text for `too_long` and `truncated`.
    """

    target: str
    code: IssueCode
    message: str
    source_fields: tuple[str, ...] = ()
    value: Any = None


@dataclass(frozen=True)
class MappedRecord:
    """The result of `apply_mapping` for one source record.

    `payload` is the target record, nested along the dotted target paths. A field whose
    value ends up None is absent from it: absent means "not set", not "set to null" (the
    spec's `target_paths` still lists it, so a reconciler knows it is mapped). `key` is the
    source key value, when the record has one.
    """

    payload: dict[str, Any]
    issues: tuple[FieldIssue, ...] = ()
    flags: tuple[FieldIssue, ...] = ()
    key: str | None = None

    @property
    def ok(self) -> bool:
        """True when the record may be written: no fatal issue (flags do not count)."""
        return not self.issues
