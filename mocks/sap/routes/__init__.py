"""The SAP mock's HTTP routes: the OData services and the OAuth token endpoint."""

from __future__ import annotations

__all__ = ["odata", "token"]
