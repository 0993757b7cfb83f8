"""The Toy CRM's conformance kit (`sync.connectors.kit.ConformanceKit`): clients, as plain
records keyed by `ref`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.connectors.kit import ConformanceKit


def client(key: str, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"ref": key, "title": f"Company {key}", "mail": f"{key.lower()}@example.com"}


def too_long(key: str, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"ref": key, "title": "x" * 121}


def missing_required(key: str, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"ref": key, "tel": "+1 555 0100"}


KITS = (
    ConformanceKit(
        name="toy",
        vendor="toy",
        obj="clients",
        ext_field="ref",
        name_field="title",
        record=client,
        too_long=too_long,
        missing_required=missing_required,
        too_long_codes=frozenset({"too_long"}),
        missing_codes=frozenset({"required"}),
        reports_created=True,
        required_field="title",
        length_field="title",
        length=120,
        bad_credentials={"client_secret": "not-the-secret"},
        group_size=7,  # with pages of 10, three groups span three pages
        page_size=10,
    ),
)

__all__ = ["KITS"]
