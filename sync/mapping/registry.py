"""The transform registry: transforms are looked up by name, and an unknown name fails with
the list of known ones.

A transform is `fn(value, *, record, **params) -> value`. `record` is the whole source record
(so a transform can read a neighbouring field, as `phone_e164` reads the country); `params`
come from the mapping spec and are checked against the transform's JSON Schema when the spec
is loaded, so a bad parameter is a config error, never a failure in the middle of a run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from sync.errors import RecordError

TransformFn = Callable[..., Any]
# Checks a transform's params beyond their JSON Schema (a region code the phone library
# knows, a group the pattern has): each problem as (param name, message).
ParamCheck = Callable[[Mapping[str, Any]], list[tuple[str, str]]]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TransformError(RecordError):
    """A transform cannot convert this value (an unknown country, a malformed email...).

    The mapping turns it into an `invalid` issue (the record goes to quarantine) or, with
    `on_invalid: null`, drops the value and flags it.
    """


@dataclass(frozen=True)
class TransformInfo:
    """Everything the loader and the rule compiler need to know about one transform."""

    name: str
    fn: TransformFn
    validator: Draft202012Validator | None  # checks the params; None accepts any mapping
    field_params: tuple[str, ...]  # params whose value names another source field
    handles_none: bool  # False: a None value skips this transform
    check: ParamCheck | None = None  # runs when the spec loads, after the schema passed

    @property
    def param_names(self) -> tuple[str, ...]:
        """The params the schema declares (for "did you mean" suggestions)."""
        if self.validator is None:
            return ()
        return tuple(self.validator.schema.get("properties", {}))


_INFOS: dict[str, TransformInfo] = {}
_FUNCTIONS: dict[str, TransformFn] = {}

TRANSFORMS: Mapping[str, TransformFn] = MappingProxyType(_FUNCTIONS)
"""Read-only view of every registered transform, name -> callable. Add with `register_transform`."""


def register_transform(
    name: str,
    fn: TransformFn,
    params_schema: Mapping[str, Any] | None = None,
    *,
    field_params: Iterable[str] = (),
    handles_none: bool = False,
    replace: bool = False,
    check: ParamCheck | None = None,
) -> TransformFn:
    """Register `fn` under `name` so mapping specs can use it; returns `fn`.

    `params_schema` is a JSON Schema (draft 2020-12) for the params object; without one, any
    params are accepted. `field_params` lists the params whose value is the name of another
    source field (so the spec can report every field it reads). A transform is skipped for a
    None value unless `handles_none` is true. Registering a taken name needs `replace=True`.
    `check(params)` finds what a schema cannot say (a region code the phone library lacks);
    it runs when a spec loads, so nonsense is refused before any record is read.
    """
    if not _NAME.match(name):
        raise ValueError(f"transform name {name!r} must be lower_snake_case")
    if name in _INFOS and not replace:
        raise ValueError(f"a transform named {name!r} is already registered; pass replace=True")
    if not callable(fn):
        raise TypeError(f"transform {name!r} must be callable, got {type(fn).__name__}")
    validator = None
    if params_schema is not None:
        schema = dict(params_schema)
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ValueError(
                f"params schema of transform {name!r} is invalid: {exc.message}"
            ) from exc
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
    _INFOS[name] = TransformInfo(name, fn, validator, tuple(field_params), handles_none, check)
    _FUNCTIONS[name] = fn
    return fn


def transform_info(name: str) -> TransformInfo | None:
    """The registration of `name`, or None when no transform has that name."""
    return _INFOS.get(name)


def known_transforms() -> list[str]:
    """Every registered transform name, sorted."""
    return sorted(_INFOS)


def params_schema(properties: Mapping[str, Any], *required: str) -> dict[str, Any]:
    """A closed params schema: only the named properties, `required` among them."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": dict(properties),
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def text_of(value: Any, transform: str) -> str:
    """`value` when it is text; otherwise a TransformError naming the transform."""
    if isinstance(value, str):
        return value
    raise TransformError(
        f"{transform} expects text, got {type(value).__name__} {value!r}; "
        "convert it first with to_string"
    )


def blank(value: Any) -> bool:
    """True for None, empty or whitespace-only text, and empty lists or dicts."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | dict | tuple) and not value
