"""The scenarios of this folder run on the Salesforce -> SAP sandbox: the plugin's session
pool starts that pair's mocks (real uvicorn servers, HTTPS with the local CA) once."""

from __future__ import annotations

import pytest

PAIR = ("salesforce", "sap")


@pytest.fixture(scope="session")
def harness_pair() -> tuple[str, str]:
    """(crm, erp) for `harness.bdd.plugin`: SAP as the ERP, whatever the ini options say."""
    return PAIR
