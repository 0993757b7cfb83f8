"""Helpers every part of the seed shares: store values for dates and money, the stamps a
migrated record carries, and the country codes of the world's spellings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from mocks.sap.odata.values import decimal_text, iso_datetime, time_text

COUNTRY_CODES = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "en_CA": "CA"}
COUNTRY_BY_NAME = {
    "United States": "US",
    "United Kingdom": "GB",
    "Germany": "DE",
    "France": "FR",
    "Canada": "CA",
}


def day(value: date | datetime) -> str:
    """An Edm.DateTime date-only value (midnight UTC)."""
    d = value.astimezone(UTC).date() if isinstance(value, datetime) else value
    return iso_datetime(datetime.combine(d, time(0), UTC), offset=False)


def at(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.combine(value, time(9, 0), UTC)


def money(cents: int) -> str:
    return decimal_text(Decimal(cents) / 100, 3)


def partner_stamps(when: datetime) -> dict[str, Any]:
    return {
        "CreationDate": day(when),
        "LastChangeDate": day(when),
        "LastChangeTime": time_text(when),
        "CreatedByUser": "MIGRATION",
    }


def document_stamps(when: datetime) -> dict[str, Any]:
    return {"CreationDate": day(when), "LastChangeDateTime": iso_datetime(when, offset=True)}


__all__ = [
    "COUNTRY_BY_NAME",
    "COUNTRY_CODES",
    "at",
    "day",
    "document_stamps",
    "money",
    "partner_stamps",
]
