"""Vendor connectors, looked up by vendor name.

`create_connector(settings)` builds the connector registered for `settings.vendor`. The
built-in vendors register on import; their modules load only when first used. A new vendor
joins by calling `register_connector` with a factory, and then gets the conformance battery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from sync.connectors.base import (
    ConnectionSettings,
    Connector,
    FieldSchema,
    ObjectSchema,
    Record,
    Watermark,
    WriteResult,
)
from sync.errors import ConfigError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ConnectionSettings",
    "Connector",
    "ConnectorFactory",
    "FieldSchema",
    "ObjectSchema",
    "Record",
    "Watermark",
    "WriteResult",
    "create_connector",
    "known_vendors",
    "register_connector",
]


class ConnectorFactory(Protocol):
    """Builds a connector; `client` lets tests and the harness inject an `httpx.Client`."""

    def __call__(
        self, settings: ConnectionSettings, *, client: httpx.Client | None = None
    ) -> Connector: ...


_REGISTRY: dict[str, ConnectorFactory] = {}


def register_connector(vendor: str, factory: ConnectorFactory) -> None:
    """Make `vendor` available to `create_connector`; registering a name again replaces it."""
    name = vendor.strip().lower()
    if not name:
        raise ConfigError("a connector needs a non-empty vendor name", key="vendor")
    _REGISTRY[name] = factory


def known_vendors() -> tuple[str, ...]:
    """The registered vendor names, sorted."""
    return tuple(sorted(_REGISTRY))


def create_connector(
    settings: ConnectionSettings, *, client: httpx.Client | None = None
) -> Connector:
    """The connector for `settings.vendor`; an unknown vendor raises `ConfigError`."""
    name = settings.vendor.strip().lower()
    factory = _REGISTRY.get(name)
    if factory is None:
        known = ", ".join(known_vendors()) or "(none)"
        raise ConfigError(
            f"unknown vendor {settings.vendor!r}; known vendors: {known}", key="vendor"
        )
    return factory(settings, client=client)


def _lazy(module: str, attr: str) -> ConnectorFactory:
    """A factory importing its vendor module on first use (keeps authlib off plain imports)."""

    def factory(settings: ConnectionSettings, *, client: httpx.Client | None = None) -> Connector:
        cls = getattr(importlib.import_module(module), attr)
        connector: Connector = cls(settings, client=client)
        return connector

    return factory


register_connector(
    "salesforce", _lazy("sync.connectors.salesforce.connector", "SalesforceConnector")
)
register_connector("netsuite", _lazy("sync.connectors.netsuite.connector", "NetSuiteConnector"))
