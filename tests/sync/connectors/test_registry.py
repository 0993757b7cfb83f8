"""The connector registry and the package's pinned public API."""

from __future__ import annotations

import httpx
import pytest

import sync.connectors as connectors
from sync.connectors import (
    ConnectionSettings,
    Connector,
    ConnectorPack,
    connector_pack,
    create_connector,
    known_vendors,
    register_pack,
    unregister_pack,
)
from sync.errors import ConfigError


def test_public_api_is_pinned() -> None:
    assert sorted(connectors.__all__) == [
        "ConnectionSettings", "Connector", "ConnectorFactory", "ConnectorPack", "CredentialSpec",
        "FieldSchema", "ObjectSchema", "Record", "Watermark", "WriteResult", "connector_pack",
        "create_connector", "known_vendors", "register_pack", "unregister_pack",
    ]  # fmt: skip


def test_builtin_vendors_are_registered_through_entry_points() -> None:
    from importlib.metadata import entry_points

    declared = {e.name for e in entry_points(group="harness.connectors")}
    assert {"salesforce", "netsuite"} <= declared <= set(known_vendors())
    assert known_vendors("crm") == tuple(sorted(
        n for n in known_vendors() if connector_pack(n).role == "crm"
    ))  # fmt: skip


def test_unknown_vendor_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"known vendors: .*netsuite.*salesforce"):
        create_connector(ConnectionSettings(vendor="acmecrm", base_url="http://x"))


SETTINGS = {
    "salesforce": ConnectionSettings(
        vendor="Salesforce",
        base_url="http://sf.test",
        credentials={"client_id": "id", "client_secret": "secret"},
    ),
    "netsuite": ConnectionSettings(
        vendor="netsuite",
        base_url="http://ns.test",
        credentials={"consumer_key": "a", "consumer_secret": "b", "token_id": "c",
                     "token_secret": "d"},
        options={"account": "1234567_SB1"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("vendor", sorted(SETTINGS))
def test_created_connectors_meet_the_protocol(vendor: str) -> None:
    with httpx.Client() as client:
        connector = create_connector(SETTINGS[vendor], client=client)
        assert isinstance(connector, Connector)
        assert connector.vendor == vendor
        connector.close()


@pytest.mark.parametrize(
    ("vendor", "missing"),
    [("salesforce", "client_secret"), ("netsuite", "token_secret")],
    ids=["salesforce", "netsuite"],
)
def test_missing_credentials_are_a_config_error(vendor: str, missing: str) -> None:
    base = SETTINGS[vendor]
    creds = {k: v for k, v in base.credentials.items() if k != missing}
    settings = ConnectionSettings(
        vendor=vendor, base_url=base.base_url, credentials=creds, options=base.options
    )
    with pytest.raises(ConfigError, match=missing):
        create_connector(settings)


def test_a_new_vendor_joins_by_registering_a_pack() -> None:
    made: list[ConnectionSettings] = []

    def factory(settings: ConnectionSettings, *, client: httpx.Client | None = None) -> Connector:
        made.append(settings)
        return create_connector(SETTINGS["salesforce"], client=client)

    register_pack(ConnectorPack(name="Acme", role="crm", label="Acme", connector=factory))
    try:
        assert "acme" in known_vendors("crm")
        create_connector(ConnectionSettings(vendor="acme", base_url="http://a")).close()
        assert made and made[0].vendor == "acme"
    finally:
        unregister_pack("acme")
    assert "acme" not in known_vendors()


def test_a_pack_with_a_bad_role_is_refused() -> None:
    with pytest.raises(ConfigError, match="not crm or erp"):
        register_pack(ConnectorPack(name="odd", role="wms", label="Odd", connector="x:y"))


def test_a_pack_whose_connector_cannot_load_names_itself() -> None:
    register_pack(ConnectorPack(name="ghost", role="erp", label="Ghost", connector="no.such:X"))
    try:
        with pytest.raises(ConfigError, match=r"ghost.*no\.such:X"):
            create_connector(ConnectionSettings(vendor="ghost", base_url="http://g"))
    finally:
        unregister_pack("ghost")
