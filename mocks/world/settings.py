"""The settings of a world: every knob that shapes it; the same settings give the same world."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

DEFAULT_AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
# The pair a world is seeded into when its settings name none: the reference integration.
DEFAULT_CRM = "salesforce"
DEFAULT_ERP = "netsuite"
_RATES = (
    "missing_country_rate",
    "long_name_rate",
    "dirty",
    "duplicate_share",
    "missing_share",
    "format_share",
    "invalid_email_share",
    "overlong_share",
)


@dataclass(frozen=True)
class WorldSettings:
    """Everything that shapes a world; the same settings give the same world."""

    seed: int = 42
    accounts: int = 1000
    as_of: datetime = DEFAULT_AS_OF
    # Share of accounts whose country is blank (they cannot get an ERP subsidiary).
    missing_country_rate: float = 0.0
    # Share of accounts whose name is longer than the ERP's company-name limit.
    long_name_rate: float = 0.0
    # Share of accounts carrying one injected defect, of a kind drawn by the shares below.
    dirty: float = 0.0
    duplicate_share: float = 0.25  # a cluster of 2-3 spellings of one company
    missing_share: float = 0.25  # a blank phone, website, city, postal code or country
    format_share: float = 0.3  # phone style, country spelling, casing, whitespace, postcode
    invalid_email_share: float = 0.1
    overlong_share: float = 0.1  # a name over the ERP's 83 characters
    # The rest of the business (contacts, products, price lists, orders with lines, invoices,
    # payments, inventory; `mocks.world.business`). Off by default: the demo and the seeders
    # need companies only, and a companies-only world does not pay for the rest.
    full_business: bool = False
    contacts_per_company: int = 5  # each company gets 1 to this many contacts
    orders_per_company: float = 4.0  # mean of a lognormal count (some companies have none)
    products: int = 300  # SKUs in the catalogue
    locations: int = 4  # warehouses holding inventory
    # The mock packs the world is seeded into (None: the default pair). Each seeder asks the
    # other side's pack which ids it gives the records both systems share.
    crm: str | None = None
    erp: str | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> WorldSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown world setting(s) {unknown}; known: {sorted(known)}")
        values = dict(data)
        if isinstance(values.get("as_of"), str):
            values["as_of"] = datetime.fromisoformat(values["as_of"].replace("Z", "+00:00"))
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if not isinstance(self.seed, int):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")
        if not isinstance(self.accounts, int) or self.accounts < 0:
            raise ValueError(f"accounts must be a whole number >= 0, got {self.accounts!r}")
        for name in _RATES:
            rate = getattr(self, name)
            if not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate!r}")
        if self.dirty > 0 and not sum(self.defect_shares().values()) > 0:
            raise ValueError("dirty > 0 needs at least one defect share above 0")
        if not isinstance(self.full_business, bool):
            raise ValueError(f"full_business must be true or false, got {self.full_business!r}")
        for name in ("contacts_per_company", "products", "locations"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        per = self.orders_per_company
        if not isinstance(per, int | float) or isinstance(per, bool) or not 0 <= per <= 1000:
            raise ValueError(f"orders_per_company must be between 0 and 1000, got {per!r}")
        if self.as_of.tzinfo is None:
            raise ValueError("as_of must carry a time zone")

    def defect_shares(self) -> dict[str, float]:
        return {
            "duplicate": self.duplicate_share,
            "missing": self.missing_share,
            "format": self.format_share,
            "invalid_email": self.invalid_email_share,
            "overlong": self.overlong_share,
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


__all__ = ["DEFAULT_AS_OF", "DEFAULT_CRM", "DEFAULT_ERP", "WorldSettings"]
