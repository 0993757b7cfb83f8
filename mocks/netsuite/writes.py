"""Check a request body against a record type and turn it into stored field values.

Unknown properties fail only with `X-NetSuite-PropertyNameValidation: error`; read-only
properties, wrong types, bad references and unknown countries always fail. A string over its
limit fails or, with the `truncate` setting, is cut and reported as a `Truncation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mocks.netsuite.errors import NetSuiteError, invalid_content
from mocks.netsuite.schema import BUILT_IN_REFS, FieldSpec, RecordSpec, country_name, record_spec
from mocks.store import RecordStore

# Keys a client may echo back from a GET; they carry no data.
_ECHOED = frozenset({"links"})
_REF_ECHOED = frozenset({"links", "refName"})


@dataclass(frozen=True)
class Truncation:
    field: str  # length path, e.g. "addressBook.addressBookAddress.city"
    path: str  # where in the body, e.g. "addressBook.items[0].addressBookAddress.city"
    original_length: int
    limit: int


@dataclass
class BodyReader:
    """Reads one request body for one record type."""

    spec: RecordSpec
    store: RecordStore
    lengths: Mapping[str, int]
    truncate: bool
    strict_names: bool
    truncations: list[Truncation] = field(default_factory=list)

    def read(self, body: Any) -> dict[str, Any]:
        """Field changes from `body` (None clears a field)."""
        if not isinstance(body, dict):
            raise invalid_content("The request body must be a JSON object.")
        return self._object(body, self.spec.fields, "", "")

    def _object(
        self, data: dict[str, Any], fields: tuple[FieldSpec, ...], path: str, length_path: str
    ) -> dict[str, Any]:
        by_name = {f.name: f for f in fields}
        out: dict[str, Any] = {}
        for key, value in data.items():
            where = f"{path}{key}"
            spec = by_name.get(key)
            if spec is None:
                if key in _ECHOED or not self.strict_names:
                    continue
                raise invalid_content(
                    f"Invalid property name '{where}': record type '{self.spec.name}' has no"
                    " such field.",
                    where,
                )
            if spec.read_only:
                raise invalid_content(f"The field '{where}' is read-only and cannot be set.", where)
            out[key] = self._value(spec, value, where, f"{length_path}{key}")
        return out

    def _value(self, spec: FieldSpec, value: Any, where: str, length_path: str) -> Any:
        if value is None:
            return None
        kind = spec.kind
        if kind == "string":
            return self._string(value, where, length_path)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _wrong_type(where, value, "a boolean")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _wrong_type(where, value, "a number")
            if not math.isfinite(value):
                raise _wrong_type(where, value, "a finite number")
            return value
        if kind == "ref":
            return self._ref(spec, value, where)
        if kind == "date":
            return _date(value, where)
        if kind == "country":
            if not isinstance(value, str) or country_name(value) is None:
                raise invalid_content(
                    f"Invalid value {value!r} for field '{where}': use an ISO 3166-1 alpha-2"
                    " country code such as 'US'.",
                    where,
                )
            return value.upper()
        if kind == "sublist":
            return self._sublist(spec, value, where, length_path)
        if kind == "object":
            if not isinstance(value, dict):
                raise _wrong_type(where, value, "an object")
            return self._object(value, spec.children, f"{where}.", f"{length_path}.")
        raise invalid_content(f"The field '{where}' cannot be set.", where)  # pragma: no cover

    def _string(self, value: Any, where: str, length_path: str) -> str:
        if not isinstance(value, str):
            raise _wrong_type(where, value, "a string")
        limit = self.lengths.get(length_path)
        if limit is None or len(value) <= limit:
            return value
        if self.truncate:
            self.truncations.append(Truncation(length_path, where, len(value), limit))
            return value[:limit]
        raise invalid_content(
            f"The field {where} contained more than the maximum number ({limit}) of characters"
            f" allowed; the value has {len(value)} characters.",
            where,
        )

    def _ref(self, spec: FieldSpec, value: Any, where: str) -> str:
        if not isinstance(value, dict):
            raise _wrong_type(where, value, 'a reference object such as {"id": "1"}')
        unknown = sorted(set(value) - {"id", "externalId"} - _REF_ECHOED)
        if unknown and self.strict_names:
            raise invalid_content(f"Invalid property name '{where}.{unknown[0]}'.", where)
        target = spec.ref_type or ""
        raw_id, ext = value.get("id"), value.get("externalId")
        if raw_id is not None:
            if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
                raise _wrong_type(f"{where}.id", raw_id, "a string or integer id")
            ref_id = str(raw_id)
            if self._ref_exists(target, ref_id):
                return ref_id
            raise _bad_ref(target, ref_id, where)
        if isinstance(ext, str) and target not in BUILT_IN_REFS:
            self.store.ensure_index(target, "externalId")
            found = self.store.find(target, "externalId", ext)
            if found:
                return found[0].id
            raise _bad_ref(target, f"eid:{ext}", where)
        raise invalid_content(f"The reference '{where}' needs an 'id' or 'externalId'.", where)

    def _ref_exists(self, target: str, ref_id: str) -> bool:
        if target in BUILT_IN_REFS:
            return ref_id in BUILT_IN_REFS[target]
        return record_spec(target) is not None and self.store.get(target, ref_id) is not None

    def _sublist(self, spec: FieldSpec, value: Any, where: str, length_path: str) -> list[Any]:
        if not isinstance(value, dict) or not isinstance(value.get("items", []), list):
            raise _wrong_type(where, value, 'an object such as {"items": [...]}')
        unknown = sorted(set(value) - {"items"} - _ECHOED)
        if unknown and self.strict_names:
            raise invalid_content(f"Invalid property name '{where}.{unknown[0]}'.", where)
        items: list[Any] = []
        for i, item in enumerate(value.get("items", [])):
            item_path = f"{where}.items[{i}]"
            if not isinstance(item, dict):
                raise _wrong_type(item_path, item, "an object")
            read = self._object(item, spec.children, f"{item_path}.", f"{length_path}.")
            items.append({k: v for k, v in read.items() if v is not None})
        return items


def _date(value: Any, where: str) -> str:
    """A date field's value: an ISO date (`2024-01-15`); a datetime keeps its date part."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
    raise _wrong_type(where, value, "a date such as '2024-01-15'")


def _wrong_type(where: str, value: Any, expected: str) -> NetSuiteError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return invalid_content(
        f"Invalid value {shown} for field '{where}': expected {expected}.", where
    )


def _bad_ref(target: str, key: str, where: str) -> NetSuiteError:
    return NetSuiteError(
        400, "INVALID_KEY_OR_REF", f"Invalid {target} reference key {key}.", path=where
    )
