"""The HubSpot API routes, one module per family."""

from __future__ import annotations

__all__: list[str] = []
