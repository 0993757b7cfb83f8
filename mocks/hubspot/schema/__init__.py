"""The portal's objects and their property definitions: the built-in specs, and the
`PropertyBook` one app keeps so custom properties created through the API join them."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from mocks.hubspot.errors import HubSpotError, validation
from mocks.hubspot.schema.objects import ALIASES, OBJECTS
from mocks.hubspot.schema.rules import DEFAULT_GROUPS
from mocks.hubspot.schema.spec import ObjectSpec, PropertySpec


def object_spec(object_type: str) -> ObjectSpec:
    """The object a path names (plural, singular or type id), or HubSpot's 400 for a name
    it cannot infer an object type from."""
    name = ALIASES.get(object_type.lower()) if object_type else None
    if name is None:
        raise HubSpotError(
            400, f"Unable to infer object type from: {object_type}", "VALIDATION_ERROR"
        )
    return OBJECTS[name]


class PropertyBook:
    """Property definitions per object: the built-in ones plus those created at runtime, and
    the custom ones archived through the API (out of `all`, listed by `archived`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._added: dict[str, dict[str, PropertySpec]] = {name: {} for name in OBJECTS}
        self._archived: dict[str, dict[str, PropertySpec]] = {name: {} for name in OBJECTS}

    def all(self, obj: str) -> dict[str, PropertySpec]:
        with self._lock:
            return {**OBJECTS[obj].by_name, **self._added[obj]}

    def get(self, obj: str, name: str) -> PropertySpec | None:
        spec = OBJECTS[obj].by_name.get(name)
        return spec if spec is not None else self._added[obj].get(name)

    def archived(self, obj: str) -> dict[str, PropertySpec]:
        with self._lock:
            return dict(self._archived[obj])

    def groups(self, obj: str) -> set[str]:
        """The property groups of the object: HubSpot's default one and those in use."""
        return {*DEFAULT_GROUPS.get(obj, ()), *(p.group for p in self.all(obj).values())}

    def archive(self, obj: str, name: str, at: datetime) -> PropertySpec | None:
        """Archive a custom property (None when there is no such live property); 400 for a
        HubSpot-defined one, which is not archivable (`modificationMetadata.archivable`)."""
        with self._lock:
            if name in OBJECTS[obj].by_name:
                raise validation(f"{name} is a HubSpot-defined property and cannot be archived.")
            spec = self._added[obj].pop(name, None)
            if spec is None:
                return None
            self._archived[obj][name] = replace(spec, archived_at=at)
            return self._archived[obj][name]

    def add(self, obj: str, spec: PropertySpec) -> PropertySpec:
        """Define a custom property; 409 when the name is taken (an archived one's too)."""
        with self._lock:
            taken = (*OBJECTS[obj].by_name, *self._added[obj], *self._archived[obj])
            if spec.name in taken:
                raise HubSpotError(
                    409, f"A property named '{spec.name}' already exists.", "OBJECT_ALREADY_EXISTS"
                )
            self._added[obj][spec.name] = spec
            return spec

    def unique(self, obj: str) -> tuple[str, ...]:
        return tuple(
            p.name
            for p in self.all(obj).values()
            if p.has_unique_value and p.name != "hs_object_id"
        )


__all__ = ["ObjectSpec", "PropertyBook", "PropertySpec", "object_spec"]
