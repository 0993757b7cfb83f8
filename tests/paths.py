"""Where the repository keeps what tests read: the reference pair's compiled mappings."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PAIR = ROOT / "fixtures" / "integrations" / "salesforce-netsuite"
CUSTOMERS_MAPPING = REFERENCE_PAIR / "customers.yaml"
INVALID_MAPPINGS = ROOT / "fixtures" / "mappings" / "invalid"
