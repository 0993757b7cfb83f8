"""The SAP S/4HANA sandbox: OData v2 services with CSRF, ETags, `$batch` change sets and
SAP's error bodies, as pyodata meets them on a real system."""

from __future__ import annotations

from mocks.sap.app import build_app, create_app
from mocks.sap.config import SapMockConfig
from mocks.sap.descriptor import PACK
from mocks.sap.seed import amount_due, post_payment, seed_sap

__all__ = [
    "PACK",
    "SapMockConfig",
    "amount_due",
    "build_app",
    "create_app",
    "post_payment",
    "seed_sap",
]
