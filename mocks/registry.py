"""The registry of mock packs, fed by the `harness.mocks` entry points.

A mock pack is a folder `mocks/<vendor>/` (or a package of its own) whose `PACK` says how to
build the vendor's sandbox app, which credentials it issues and the ids its seeder gives the
canonical world's records (the app installs its own fault dialect). Every mock list is
derived from here; the modules behind a pack load only when first used.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mocks.store import RecordStore
    from mocks.world.generator import World

ENTRY_POINT_GROUP = "harness.mocks"
# The vendor-neutral knobs a pack may offer (`MockPack.knobs`), and what each value means.
KNOBS = {
    "page_size": "records a query page holds unless the client asks otherwise (an int)",
    "silent_truncation": "{object: {field path: limit}}: over-long writes are cut, silently,"
    " and the limits are not advertised in the vendor's metadata",
    "truncate_overflow": "true: over-long writes are cut to the limits the vendor advertises"
    " instead of refused",
}
AppBuilder = Callable[..., "FastAPI"]


class PackError(LookupError):
    """An unknown mock pack, or one that fails to load; the message names the known ones."""


@dataclass(frozen=True)
class MockPack:
    """What a mock pack declares. The `"module:attribute"` strings are imported on first use.

    - `app`: `build(credentials, admin_token, store=None) -> FastAPI`; `credentials` holds a
      value for each name in `credentials` (the keys the vendor's connector reads);
    - `connector_options`: options a connector needs to reach this sandbox (an account id);
    - `connection_limits`: connection settings the mocked account allows, written into the
      harness.yaml `mock-up` renders (`concurrency`: the requests it accepts in flight);
    - `world_ids`: `ids(world) -> {canonical key: record id}`, the ids its seeder gives the
      world's records, so the other system of a pair can hold them as references;
    - `conformance`: what the mock battery needs to judge the pack (`mocks.conformance`);
    - `knobs`: `{knob: fn(value) -> settings patch}`, the pack's runtime settings behind the
      vendor-neutral knobs a scenario turns (`KNOBS` below), sent to `PATCH
      /__harness/settings`; a knob the pack lacks is refused by name.
    """

    name: str
    role: str  # "crm" or "erp"
    label: str
    app: str
    credentials: tuple[str, ...]
    connector_options: Mapping[str, Any] = field(default_factory=dict)
    connection_limits: Mapping[str, Any] = field(default_factory=dict)
    world_ids: str | None = None
    conformance: str | None = None
    knobs: str | None = None

    def build_app(
        self, credentials: Mapping[str, str], admin_token: str, store: RecordStore | None = None
    ) -> FastAPI:
        builder: AppBuilder = _resolve(self.app, f"app of mock pack {self.name!r}")
        return builder(credentials, admin_token, store)

    def ids_for(self, world: World) -> dict[str, str]:
        """The record ids this pack's seeder gives the world's records (none: {})."""
        if self.world_ids is None:
            return {}
        ids: dict[str, str] = _resolve(self.world_ids, f"world ids of {self.name!r}")(world)
        return ids

    def settings_for(self, knob: str, value: Any) -> dict[str, Any]:
        """The settings patch that turns `knob` to `value` on this pack's sandbox."""
        table: Mapping[str, Callable[[Any], dict[str, Any]]] = (
            _resolve(self.knobs, f"knobs of mock pack {self.name!r}") if self.knobs else {}
        )
        if knob not in table:
            offered = ", ".join(sorted(table)) or "none"
            raise PackError(f"the {self.name} sandbox has no {knob!r} knob; it offers: {offered}")
        return table[knob](value)

    def conformance_kit(self) -> Any:
        if self.conformance is None:
            return None
        return _resolve(self.conformance, f"conformance kit of mock pack {self.name!r}")


_REGISTRY: dict[str, MockPack] = {}
_DISCOVERED = False
_LOCK = threading.Lock()


def register_mock_pack(pack: MockPack) -> None:
    """Make `pack` available by its name; registering a name again replaces it."""
    if pack.role not in ("crm", "erp"):
        raise PackError(f"mock pack {pack.name!r}: role {pack.role!r} is not crm or erp")
    _discover()
    _REGISTRY[pack.name.strip().lower()] = pack


def unregister_mock_pack(name: str) -> None:
    _discover()
    _REGISTRY.pop(name.strip().lower(), None)


def mock_pack(name: str, role: str | None = None) -> MockPack:
    """The pack called `name` (of `role`, when given); otherwise PackError naming the known."""
    _discover()
    pack = _REGISTRY.get(name.strip().lower())
    if pack is None or (role is not None and pack.role != role):
        what = f"mock {role.upper()}" if role else "mock"
        known = ", ".join(known_mocks(role)) or "(none)"
        raise PackError(f"no {what} named {name!r}; known: {known}")
    return pack


def known_mocks(role: str | None = None) -> tuple[str, ...]:
    """The registered mock names (of one role, when given), sorted."""
    _discover()
    return tuple(sorted(n for n, p in _REGISTRY.items() if role is None or p.role == role))


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    with _LOCK:
        if _DISCOVERED:
            return
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                pack = point.load()
            except Exception as exc:  # a broken third-party pack must name itself
                raise PackError(f"mock pack entry point {point.name!r} ({point.value}) failed"
                                f" to load: {type(exc).__name__}: {exc}") from exc  # fmt: skip
            if not isinstance(pack, MockPack):
                raise PackError(f"entry point {point.name!r} ({point.value}) is not a MockPack")
            _REGISTRY.setdefault(pack.name.strip().lower(), pack)
        _DISCOVERED = True


def _resolve(target: str, what: str) -> Any:
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise PackError(f"cannot load the {what} ({target}): {exc}") from exc


__all__ = [
    "ENTRY_POINT_GROUP",
    "KNOBS",
    "MockPack",
    "PackError",
    "known_mocks",
    "mock_pack",
    "register_mock_pack",
    "unregister_mock_pack",
]
