"""Short constructors for SAP property declarations, so each schema module reads like the
EDMX it stands for."""

from __future__ import annotations

from typing import Any

from mocks.sap.odata.model import Prop

READ_ONLY: dict[str, Any] = {"creatable": False, "updatable": False}


def key(name: str, length: int, **kw: Any) -> Prop:
    return Prop(name, max_length=length, key=True, nullable=False, updatable=False, **kw)


def text(name: str, length: int, **kw: Any) -> Prop:
    return Prop(name, max_length=length, **kw)


def required(name: str, length: int, **kw: Any) -> Prop:
    return Prop(name, max_length=length, nullable=False, **kw)


def date(name: str, **kw: Any) -> Prop:
    return Prop(name, "Edm.DateTime", date_only=True, **kw)


def stamp(name: str) -> Prop:
    return Prop(name, "Edm.DateTimeOffset", **READ_ONLY)


def time(name: str, **kw: Any) -> Prop:
    return Prop(name, "Edm.Time", **kw)


def amount(name: str, precision: int = 16, scale: int = 3, **kw: Any) -> Prop:
    return Prop(name, "Edm.Decimal", precision=precision, scale=scale, **kw)


def flag(name: str, **kw: Any) -> Prop:
    return Prop(name, "Edm.Boolean", **kw)


def guid(name: str, **kw: Any) -> Prop:
    return Prop(name, "Edm.Guid", **kw)


__all__ = [
    "READ_ONLY",
    "amount",
    "date",
    "flag",
    "guid",
    "key",
    "required",
    "stamp",
    "text",
    "time",
]
