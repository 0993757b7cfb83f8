"""The Toy CRM's one object, `clients`: its fields, how a client renders, and the checks a
write goes through (422 `too_long`, `required`, `unknown_field`, `read_only`,
`invalid_type`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mocks.store import StoredRecord
from tests.packs.toy.mock.errors import ToyError

OBJECT = "clients"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # id | string | email | phone | datetime
    max_length: int | None = None
    required: bool = False
    read_only: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "max_length": self.max_length,
            "required": self.required,
            "read_only": self.read_only,
        }


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "id", read_only=True),
    FieldSpec("ref", "string", 64),  # the caller's external reference, unique when set
    FieldSpec("title", "string", 120, required=True),
    FieldSpec("mail", "email", 80),
    FieldSpec("tel", "phone", 40),
    FieldSpec("nation", "string", 60),  # the country as typed
    FieldSpec("created_at", "datetime", read_only=True),
    FieldSpec("updated_at", "datetime", read_only=True),
)
BY_NAME = {f.name: f for f in FIELDS}
STORED = tuple(f.name for f in FIELDS if not f.read_only)  # what the store keeps in `fields`


def iso(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a `Z`, the toy's one datetime form."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def render(rec: StoredRecord) -> dict[str, Any]:
    """A stored client as the API shows it; stamps come from the store's bookkeeping."""
    out: dict[str, Any] = {"id": rec.id}
    out.update({name: rec.fields.get(name) for name in STORED})
    out["created_at"] = iso(rec.created_at)
    out["updated_at"] = iso(rec.modified_at)
    if rec.deleted:
        out["deleted"] = True
        out["deleted_at"] = iso(rec.deleted_at or rec.modified_at)
    return out


def check_write(body: Any, *, creating: bool) -> dict[str, Any]:
    """The fields a create or update sets (blanks stored as null), or a ToyError."""
    if not isinstance(body, dict):
        raise ToyError(400, "bad_request", "the body must be a JSON object")
    for name, value in body.items():
        spec = BY_NAME.get(name)
        if spec is None:
            raise ToyError(422, "unknown_field", f"{OBJECT} has no field {name!r}", name)
        if spec.read_only:
            raise ToyError(422, "read_only", f"{name} is set by the server", name)
        if value is not None and not isinstance(value, str):
            raise ToyError(422, "invalid_type", f"{name} must be a string or null", name)
        if spec.max_length and value and len(value) > spec.max_length:
            message = f"{name} is longer than {spec.max_length} characters ({len(value)})"
            raise ToyError(422, "too_long", message, name)
    for spec in FIELDS:
        if spec.required and (creating or spec.name in body):
            value = body.get(spec.name)
            if not (isinstance(value, str) and value.strip()):
                raise ToyError(422, "required", f"{spec.name} is required", spec.name)
    return {k: (None if v == "" else v) for k, v in body.items()}


def schema_body() -> dict[str, Any]:
    return {"object": OBJECT, "fields": [f.to_json() for f in FIELDS]}


__all__ = ["BY_NAME", "FIELDS", "OBJECT", "STORED", "check_write", "iso", "render", "schema_body"]
