"""Mock NetSuite REST web services (record service, SuiteQL, metadata catalog)."""

from __future__ import annotations

from mocks.netsuite.app import create_app
from mocks.netsuite.config import NetSuiteMockConfig
from mocks.netsuite.descriptor import PACK
from mocks.netsuite.seed import seed_netsuite

__all__ = ["PACK", "NetSuiteMockConfig", "create_app", "seed_netsuite"]
