"""HubSpot batch answers -> one `WriteResult` per input, in input order: pure, no I/O.

A batch answers 200/201 (all done) or 207 (some failed): `results` carry the objects written,
`errors` the failures, each naming the inputs it concerns in `context` (`{"ids": [...]}`
on read, update and archive; the idProperty values on upsert). Results come in no
guaranteed order, so upsert results are matched to inputs by their idProperty value and
update results by id. An input neither answered nor named in an error is reported failed
(`NOT_IN_ANSWER`), never assumed written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync.connectors.base import WriteResult
from sync.connectors.hubspot.dialect import existing_id

__all__ = ["BatchError", "batch_errors", "outcomes", "refused_all"]

RETRYABLE_CATEGORIES = frozenset({"RATE_LIMITS", "RATE_LIMIT", "INTERNAL_ERROR", "TIMEOUT"})
_FIELD_KEYS = ("propertyName", "propertyNames", "properties", "property", "name")


@dataclass(frozen=True)
class BatchError:
    """One entry of a 207's `errors`: what went wrong, for which inputs, on which fields."""

    code: str
    message: str
    keys: frozenset[str]
    fields: tuple[str, ...] = ()
    retryable: bool = False

    @property
    def existing(self) -> str | None:
        """The record a CONFLICT names as the one that already holds the value."""
        return existing_id(self.message) if self.code == "CONFLICT" else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int)]
    return [str(value)] if isinstance(value, str | int) else []


def _fields(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The properties an error blames, from its context or its nested `errors`."""
    found: list[str] = []
    contexts = [item.get("context") or {}]
    contexts += [e.get("context") or {} for e in item.get("errors") or () if isinstance(e, dict)]
    for context in contexts:
        if isinstance(context, dict):
            for key in _FIELD_KEYS:
                found += _strings(context.get(key))
    for nested in item.get("errors") or ():
        if isinstance(nested, dict) and isinstance(nested.get("in"), str):
            found.append(nested["in"])
    return tuple(dict.fromkeys(found))


def batch_errors(body: Any) -> list[BatchError]:
    """The `errors` of a batch answer (207), with the input keys each one names."""
    if not isinstance(body, dict):
        return []
    found = []
    for item in body.get("errors") or ():
        if not isinstance(item, dict):
            continue
        context = item.get("context") or {}
        keys = {s for k, v in context.items() if k not in _FIELD_KEYS for s in _strings(v)} \
            if isinstance(context, dict) else set()  # fmt: skip
        nested = [e for e in item.get("errors") or () if isinstance(e, dict) and e.get("code")]
        category = str(item.get("category") or "")
        code = str(nested[0]["code"]) if nested else str(item.get("subCategory") or category)
        found.append(BatchError(
            code=code or "ERROR",
            message=str(item.get("message") or code),
            keys=frozenset(keys),
            fields=_fields(item),
            retryable=category in RETRYABLE_CATEGORIES,
        ))  # fmt: skip
    return found


def _result_key(result: Mapping[str, Any], key_property: str | None) -> str | None:
    if key_property is None:
        return str(result["id"]) if result.get("id") is not None else None
    value = (result.get("properties") or {}).get(key_property)
    return None if value in (None, "") else str(value)


def outcomes(
    keys: Sequence[str], body: Any, *, key_property: str | None = None
) -> list[WriteResult]:
    """One `WriteResult` per key, in `keys` order. `key_property` names the idProperty of an
    upsert (results matched by its value); None matches results by record id."""
    answered: dict[str, Mapping[str, Any]] = {}
    results = body.get("results") if isinstance(body, dict) else None
    for result in results or ():
        if isinstance(result, dict):
            key = _result_key(result, key_property)
            if key is not None:
                answered[key] = result
    errors = batch_errors(body)
    if (key_property is not None and not errors and results and len(results) == len(keys)
            and not answered):  # fmt: skip
        # The answer does not echo the idProperty: all written, and HubSpot keeps input order.
        answered = dict(zip(keys, results, strict=True))
    unnamed = [e for e in errors if not e.keys]
    written: list[WriteResult] = []
    for key in keys:
        result = answered.get(key)
        if result is not None:
            written.append(
                WriteResult(key, True, id=str(result.get("id")), created=bool(result.get("new")))
            )
            continue
        error = next((e for e in errors if key in e.keys), unnamed[0] if unnamed else None)
        written.append(_refused(key, error, key_property is None))
    return written


def _refused(key: str, error: BatchError | None, by_id: bool) -> WriteResult:
    if error is None:
        return WriteResult(
            key,
            False,
            id=key if by_id else None,
            error_code="NOT_IN_ANSWER",
            message="HubSpot's batch answer neither wrote nor refused this input",
        )
    return WriteResult(
        key,
        False,
        id=key if by_id else None,
        error_code=error.code,
        message=error.message,
        fields=error.fields,
        retryable=error.retryable,
    )


def refused_all(keys: Iterable[str], code: str, message: str, *, retryable: bool = False,
                by_id: bool = False) -> list[WriteResult]:  # fmt: skip
    """The same refusal for every key (a whole batch failed)."""
    return [WriteResult(k, False, id=k if by_id else None, error_code=code, message=message,
                        retryable=retryable) for k in keys]  # fmt: skip
