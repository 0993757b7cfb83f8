"""The select list of a plain (not aggregate) query: fields, parent paths and `FIELDS()`.

`FIELDS(STANDARD)` is every standard field of the object, `FIELDS(CUSTOM)` every custom one
and `FIELDS(ALL)` both; Salesforce bounds the two that may reach custom fields to a LIMIT of
at most 200 rows, so a query without such a LIMIT is refused.
"""

from __future__ import annotations

from typing import Protocol

from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.paths import FieldPath
from mocks.salesforce.query.soql import FieldRef, FieldsMacro, Query
from mocks.salesforce.schema import SObjectDef

FIELDS_LIMIT = 200


class Resolver(Protocol):
    def resolve(self, ref: FieldRef) -> FieldPath: ...

    def error(self, code: str, detail: str, pos: int) -> SoqlError: ...


def _macro_paths(macro: FieldsMacro, sobject: SObjectDef, query: Query,
                 binder: Resolver) -> list[FieldPath]:  # fmt: skip
    if macro.kind != "STANDARD" and (query.limit is None or query.limit > FIELDS_LIMIT):
        raise binder.error(
            "MALFORMED_QUERY",
            f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
            macro.pos,
        )
    wanted = {"ALL": (True, False), "STANDARD": (False,), "CUSTOM": (True,)}[macro.kind]
    return [FieldPath((), fd, sobject) for fd in sobject.fields if fd.custom in wanted]


def select_paths(query: Query, sobject: SObjectDef, binder: Resolver) -> tuple[FieldPath, ...]:
    """The selected fields in order; a field named twice is MALFORMED_QUERY, while one a
    `FIELDS()` macro also brings is kept once."""
    paths: dict[str, FieldPath] = {}
    for item in query.items:
        if isinstance(item, FieldRef):
            path = binder.resolve(item)
            if path.key in paths:
                raise binder.error("MALFORMED_QUERY", f"duplicate field selected: {path.key}",
                                   item.pos)  # fmt: skip
            paths[path.key] = path
        elif isinstance(item, FieldsMacro):
            for path in _macro_paths(item, sobject, query, binder):
                paths.setdefault(path.key, path)
    return tuple(paths.values())


__all__ = ["FIELDS_LIMIT", "select_paths"]
