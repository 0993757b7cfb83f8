"""The registry of connector packs, fed by the `harness.connectors` entry points.

A pack is a folder `sync/connectors/<vendor>/` (or a package of its own) whose `PACK` says
what the vendor is: its role, the connector class, the credentials it reads, its profile of
the canonical business and its conformance kits. Every vendor list in the project is derived
from here. Packs are found through entry points (so a pack can ship as its own package) or
registered in code with `register_pack`; their modules load only when first used.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sync.connectors.budget import ApiLimits
from sync.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from sync.canonical.profile import Profile
    from sync.connectors.base import ConnectionSettings, Connector

ENTRY_POINT_GROUP = "harness.connectors"


class ConnectorFactory(Protocol):
    """Builds a connector; `client` lets tests and the harness inject an `httpx.Client`."""

    def __call__(
        self, settings: ConnectionSettings, *, client: httpx.Client | None = None
    ) -> Connector: ...


@dataclass(frozen=True)
class CredentialSpec:
    """One credential a connector reads: its key in `ConnectionSettings.credentials`, the
    environment variable a generated config names for it, and what it is."""

    key: str
    env: str
    help: str = ""
    optional: bool = False  # needed only for some ways of connecting (a password grant)


@dataclass(frozen=True)
class ConnectorPack:
    """What a connector pack declares. `connector` and `kits` are `"module:attribute"`
    strings, imported on first use (a pack's `__init__` stays cheap to import)."""

    name: str
    role: str  # "crm" or "erp"
    label: str
    connector: str | ConnectorFactory
    credentials: tuple[CredentialSpec, ...] = ()
    options: dict[str, str] = field(default_factory=dict)  # option -> what it means
    required_options: tuple[str, ...] = ()  # options a connection cannot do without
    base_url_hint: str = ""  # what a real system's base URL looks like
    profile_path: Path | None = None
    kits: str | None = None  # "module:attr" -> a sequence of conformance kits
    limits: ApiLimits | None = None  # the vendor's published limits, for `harness plan`

    @property
    def factory(self) -> ConnectorFactory:
        if not isinstance(self.connector, str):
            return self.connector
        cls = _resolve(self.connector, f"connector of pack {self.name!r}")

        def build(settings: ConnectionSettings, *, client: httpx.Client | None = None) -> Any:
            return cls(settings, client=client)

        return build

    @cached_property
    def profile(self) -> Profile:
        """The pack's profile of the canonical business (read and checked once)."""
        from sync.canonical.profile import load_profile

        if self.profile_path is None:
            raise ConfigError(f"connector pack {self.name!r} ships no profile")
        profile = load_profile(self.profile_path)
        if (profile.vendor, profile.role) != (self.name.strip().lower(), self.role):
            raise ConfigError(
                f"the profile says {profile.vendor} ({profile.role}), its pack"
                f" {self.name} ({self.role})",
                file=str(self.profile_path),
            )
        return profile

    def conformance_kits(self) -> Sequence[Any]:
        """The pack's conformance kits (`sync.connectors.kit.ConformanceKit`); none: ()."""
        if self.kits is None:
            return ()
        kits = _resolve(self.kits, f"kits of pack {self.name!r}")
        return tuple(kits() if callable(kits) else kits)


_REGISTRY: dict[str, ConnectorPack] = {}
_DISCOVERED = False
_LOCK = threading.Lock()


def register_pack(pack: ConnectorPack) -> None:
    """Make `pack` available by its name; registering a name again replaces it."""
    name = pack.name.strip().lower()
    if not name:
        raise ConfigError("a connector pack needs a non-empty vendor name", key="vendor")
    if pack.role not in ("crm", "erp"):
        raise ConfigError(f"pack {name!r}: role {pack.role!r} is not crm or erp", key="role")
    _discover()
    _REGISTRY[name] = pack


def unregister_pack(name: str) -> None:
    """Forget a pack registered in code (tests that add a pack take it away again)."""
    _discover()
    _REGISTRY.pop(name.strip().lower(), None)


def connector_pack(vendor: str) -> ConnectorPack:
    """The pack registered for `vendor`; an unknown name raises ConfigError listing them."""
    _discover()
    name = vendor.strip().lower()
    pack = _REGISTRY.get(name)
    if pack is None:
        known = ", ".join(known_vendors()) or "(none)"
        raise ConfigError(f"unknown vendor {vendor!r}; known vendors: {known}", key="vendor")
    return pack


def known_vendors(role: str | None = None) -> tuple[str, ...]:
    """The registered vendor names (of one role, when given), sorted."""
    _discover()
    return tuple(sorted(n for n, p in _REGISTRY.items() if role is None or p.role == role))


def _discover() -> None:
    """Load every `harness.connectors` entry point once."""
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
                raise ConfigError(
                    f"connector pack entry point {point.name!r} ({point.value}) failed to"
                    f" load: {type(exc).__name__}: {exc}"
                ) from exc
            if not isinstance(pack, ConnectorPack):
                raise ConfigError(f"entry point {point.name!r} ({point.value}) is not a"
                                  " ConnectorPack")  # fmt: skip
            _REGISTRY.setdefault(pack.name.strip().lower(), pack)
        _DISCOVERED = True


def _resolve(target: str, what: str) -> Any:
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load the {what} ({target}): {exc}") from exc


__all__ = [
    "ENTRY_POINT_GROUP",
    "ConnectorFactory",
    "ConnectorPack",
    "CredentialSpec",
    "connector_pack",
    "known_vendors",
    "register_pack",
    "unregister_pack",
]
