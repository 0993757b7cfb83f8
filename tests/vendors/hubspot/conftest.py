"""The scenarios of this folder run on the HubSpot -> NetSuite sandbox: the plugin's session
pool starts that pair's mocks (real uvicorn servers, HTTPS with the local CA) once."""

from __future__ import annotations

from pathlib import Path

import pytest

PAIR = ("hubspot", "netsuite")
HERE = Path(__file__).resolve().parent
LOAD_TIMEOUT = 1800  # a bound for a busy machine, not a speed target (as tests/test_load.py)


@pytest.fixture(scope="session")
def harness_pair() -> tuple[str, str]:
    """(crm, erp) for `harness.bdd.plugin`: HubSpot as the CRM, whatever the ini options say."""
    return PAIR


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `@load` scenario (12,000 companies) gets the load suite's time bound instead of the
    default 120 s; the others keep the default."""
    for item in items:
        if item.get_closest_marker("load") and HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.timeout(LOAD_TIMEOUT))
