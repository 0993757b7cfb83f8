"""Mock Salesforce REST API (the surface simple-salesforce and the harness connector use)."""

from __future__ import annotations

from mocks.salesforce.app import create_app
from mocks.salesforce.config import SalesforceMockConfig
from mocks.salesforce.descriptor import PACK
from mocks.salesforce.seed import seed_salesforce

__all__ = ["PACK", "SalesforceMockConfig", "create_app", "seed_salesforce"]
