"""`harness mock-up` writes the concurrency each mocked account allows, taken from its pack."""

from __future__ import annotations

from pathlib import Path

from harness.config import load_config
from harness.sandbox import write_config
from harness.sandbox.mocks import start_mocks
from mocks.registry import mock_pack
from mocks.world.generator import WorldSettings
from sync.connectors.registry import connector_pack
from tests.paths import CUSTOMERS_MAPPING

CUSTOMERS = CUSTOMERS_MAPPING


def _config(tmp_path: Path, **system_options: dict[str, object]) -> dict[str, int]:
    world = WorldSettings(seed=3, accounts=5)
    with start_mocks(world=world, workdir=tmp_path / "work", https=False) as mocks:
        path = write_config(mocks, tmp_path / "harness.yaml", mapping=CUSTOMERS,
                            state_path=tmp_path / "state.db", reports_dir=tmp_path / "reports",
                            system_options=system_options)  # fmt: skip
        allowed = mocks.erp.app.state.mock.settings["max_concurrent"]
        config = load_config(path, dict(mocks.env))
    systems = config.systems
    return {"crm": systems["crm"].concurrency, "erp": systems["erp"].concurrency,
            "allowed": allowed}  # fmt: skip


def test_netsuite_gets_the_concurrency_its_account_allows(tmp_path: Path) -> None:
    figures = _config(tmp_path)
    assert figures["erp"] == figures["allowed"] == 15  # NetSuite's base service tier
    assert mock_pack("netsuite").connection_limits == {"concurrency": 15}
    assert figures["crm"] == 4  # a pack that declares no limit keeps the default


def test_a_tuned_concurrency_still_wins(tmp_path: Path) -> None:
    assert _config(tmp_path, erp={"concurrency": 3})["erp"] == 3


def test_hubspot_gets_the_connections_its_rate_window_needs() -> None:
    """HubSpot caps requests per window, not connections; the mock-up writes the pack's own
    figure, the one `harness plan` assumes, rather than the default four."""
    limits = connector_pack("hubspot").limits
    assert limits is not None
    assert (
        mock_pack("hubspot").connection_limits
        == {"concurrency": limits.concurrency}
        == {"concurrency": 10}
    )
