"""Values several objects share: lifecycle and deal stages, currencies, the owner and the
address properties."""

from __future__ import annotations

from mocks.hubspot.schema.spec import (
    number,
    text,
)

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
CURRENCIES = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "JPY",
    "CHF",
    "SEK",
    "DKK",
    "NOK",
    "INR",
    "BRL",
    "MXN",
    "PLN",
    "CZK",
    "NZD",
    "SGD",
    "ZAR",
)
OWNER = number("hubspot_owner_id", "Contact owner", integer=True)
ADDRESS = (
    text("address", "Street Address"),
    text("city", "City"),
    text("state", "State/Region"),
    text("zip", "Postal Code"),
    text("country", "Country/Region"),
)

__all__ = ["ADDRESS", "CURRENCIES", "DEAL_STAGES", "LIFECYCLE_STAGES", "OWNER"]
