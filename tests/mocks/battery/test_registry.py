"""Every registered mock pack joins the battery: a conformance kit, and a connector pack of
its name (the battery's authenticated traffic goes through that connector)."""

from __future__ import annotations

from mocks.conformance import MockKit
from mocks.registry import mock_pack
from sync.connectors import connector_pack, known_vendors
from sync.connectors.kit import ConformanceKit


def test_every_registered_mock_has_a_kit_and_a_connector(mock_name: str) -> None:
    pack = mock_pack(mock_name)
    kit = pack.conformance_kit()
    assert isinstance(kit, MockKit), (
        f"mock pack {mock_name!r} is registered without a conformance kit: its descriptor"
        ' must name a mocks.conformance.MockKit (`conformance="module:KIT"`)'
    )
    assert kit.objects, f"{mock_name}: the kit names no objects to page and write"
    assert mock_name in known_vendors(), (
        f"mock pack {mock_name!r} has no connector pack of its name: the battery reaches the"
        " sandbox through it"
    )
    kits = connector_pack(mock_name).conformance_kits()
    assert kits and all(isinstance(k, ConformanceKit) for k in kits), (
        f"{mock_name}: the connector pack declares no conformance kits"
    )
    assert connector_pack(mock_name).role == pack.role, mock_name
