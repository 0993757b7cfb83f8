"""Values several objects share: lifecycle and deal stages, currencies, the owner and the
address properties.

The owner property is HubSpot's: an enumeration whose options are the portal's live owners
(value the owner id, label the name) with `referencedObjectType: "OWNER"`, so a write naming
anyone else is refused as any enumeration refuses an unknown option (400 VALIDATION_ERROR,
INVALID_OPTION, "... was not one of the allowed options"). Archived owners are no options:
a mock choice, as no source confirms how HubSpot treats a deactivated owner's id on write.
"""

from __future__ import annotations

from mocks.hubspot.owners import ACTIVE
from mocks.hubspot.schema.spec import (
    enum,
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
OWNER = enum(
    "hubspot_owner_id",
    "Contact owner",
    tuple(o.id for o in ACTIVE),
    option_labels=tuple(o.name for o in ACTIVE),
    referenced_object_type="OWNER",
)
ADDRESS = (
    text("address", "Street Address"),
    text("city", "City"),
    text("state", "State/Region"),
    text("zip", "Postal Code"),
    text("country", "Country/Region"),
)

__all__ = ["ADDRESS", "CURRENCIES", "DEAL_STAGES", "LIFECYCLE_STAGES", "OWNER"]
