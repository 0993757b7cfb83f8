"""A Faker-seeded canonical business world, deterministic by seed.

Faker is called only to fill small pools of values; records are then composed from the pools
with a seeded `random.Random`, which is an order of magnitude faster than Faker per field.
Every date is anchored to `WorldSettings.as_of`, never to today's clock, so a seed gives the
same world on any day. Vendor mocks project the canonical world into their own objects.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
from faker import Faker

# Locale -> the spellings of its country that real CRMs end up holding, most common first.
COUNTRY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "en_US": ("United States", "USA", "US", "United States of America", "U.S.A."),
    "en_GB": ("United Kingdom", "UK", "GB", "Great Britain", "England"),
    "de_DE": ("Germany", "DE", "Deutschland", "DEU"),
    "fr_FR": ("France", "FR", "FRA", "france"),
    "en_CA": ("Canada", "CA", "CAN"),
}
LOCALE_REGIONS = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "en_CA": "CA"}
LOCALE_WEIGHTS = {"en_US": 0.5, "en_GB": 0.18, "de_DE": 0.12, "fr_FR": 0.1, "en_CA": 0.1}
INDUSTRIES = (
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Finance",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Manufacturing",
    "Media",
    "Retail",
    "Technology",
    "Transportation",
    "Utilities",
)
LEGAL_SUFFIXES = {
    "en_US": ("Inc.", "LLC", "Corp.", "Co."),
    "en_GB": ("Ltd", "PLC", "Limited"),
    "de_DE": ("GmbH", "AG", "KG"),
    "fr_FR": ("SA", "SARL", "SAS"),
    "en_CA": ("Inc.", "Ltd.", "Corp."),
}
_POOL_SIZE = 400
DEFAULT_AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


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
        for name in ("missing_country_rate", "long_name_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate!r}")
        if self.as_of.tzinfo is None:
            raise ValueError("as_of must carry a time zone")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


@dataclass(frozen=True)
class Company:
    """One canonical customer company, before any vendor's spelling of it."""

    key: str  # canonical id, e.g. "CO-000001"
    locale: str
    name: str
    phone: str
    website: str
    email: str
    industry: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str  # as typed by a user: a name, an ISO code or a variant
    employees: int
    annual_revenue: float
    description: str
    created_at: datetime


@dataclass
class World:
    settings: WorldSettings
    companies: list[Company] = field(default_factory=list)
    # Ground truth of every defect injected: {"kind", "entity", "key", "field", ...}
    defects: list[dict[str, Any]] = field(default_factory=list)

    def defects_for(self, vendor: str) -> list[dict[str, Any]]:
        """Defects as seen in one vendor's projection (foundation: the CRM holds them all)."""
        return [{**d, "vendor": vendor} for d in self.defects]


@dataclass
class _Pools:
    names: list[str]
    streets: list[str]
    cities: list[str]
    states: list[str]
    postcodes: list[str]
    phones: list[str]
    phrases: list[str]


def _build_pools(locale: str, seed: int) -> _Pools:
    fake = Faker(locale, use_weighting=False)
    fake.seed_instance(seed)
    n = _POOL_SIZE
    state = fake.state if hasattr(fake, "state") else fake.city
    if locale == "en_GB":
        state = fake.county
    return _Pools(
        names=[fake.last_name() for _ in range(n)],
        streets=[fake.street_address() for _ in range(n)],
        cities=[fake.city() for _ in range(n)],
        states=[state() for _ in range(n)],
        postcodes=[fake.postcode() for _ in range(n)],
        phones=_valid_phones(fake, locale, n),
        phrases=[fake.catch_phrase() for _ in range(n)],
    )


# How users type a valid number: E.164, international, national, dotted, bare digits.
_PHONE_STYLES = (
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
    "dotted",
    "digits",
)


def _valid_phones(fake: Faker, locale: str, n: int) -> list[str]:
    """Numbers valid for the locale's country, written in the mix of styles users type.

    Faker's numbers are often not dialable (made-up area codes); a clean world holds real-
    looking valid ones, and the dirty-data generator injects invalid ones as known defects.
    """
    region = LOCALE_REGIONS[locale]
    rng = random.Random(f"phones-{locale}-{n}")
    out: list[str] = []
    for _ in range(n * 50):
        if len(out) == n:
            break
        try:
            number = phonenumbers.parse(fake.phone_number(), region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        style = rng.choice(_PHONE_STYLES)
        if style == "dotted":
            plain = phonenumbers.PhoneNumber(
                country_code=number.country_code, national_number=number.national_number
            )
            national = phonenumbers.format_number(plain, phonenumbers.PhoneNumberFormat.NATIONAL)
            out.append(".".join(re.findall(r"\d+", national)))
        elif style == "digits":
            out.append(phonenumbers.national_significant_number(number))
        else:
            out.append(phonenumbers.format_number(number, int(style)))
    if not out:
        raise RuntimeError(f"could not build valid {region} phone numbers from Faker")
    while len(out) < n:
        out.append(out[len(out) % len(out)])
    return out


def _slug(text: str) -> str:
    kept = "".join(ch for ch in text.lower() if ch.isalnum())
    return kept or "company"


def generate_world(settings: WorldSettings) -> World:
    """Compose `settings.accounts` companies; pure function of the settings."""
    settings.validate()
    rng = random.Random(settings.seed)
    locales = list(LOCALE_WEIGHTS)
    pools = {loc: _build_pools(loc, settings.seed + i) for i, loc in enumerate(locales)}
    weights = [LOCALE_WEIGHTS[loc] for loc in locales]
    world = World(settings)
    seen_names: set[str] = set()
    for i in range(settings.accounts):
        key = f"CO-{i + 1:06d}"
        locale = rng.choices(locales, weights)[0]
        pool = pools[locale]
        name = _company_name(rng, pool, locale, seen_names)
        domain = f"{_slug(name.split()[0])}{rng.randint(1, 999)}.example.com"
        country = _country(rng, locale)
        created = settings.as_of - timedelta(seconds=rng.randint(86_400, 5 * 365 * 86_400))
        if rng.random() < settings.long_name_rate:
            name = f"{name} {' '.join(rng.sample(pool.phrases, 3))} Holdings International"
            world.defects.append(
                {
                    "kind": "overlong_value",
                    "entity": "company",
                    "key": key,
                    "field": "name",
                    "length": len(name),
                }
            )
        if rng.random() < settings.missing_country_rate:
            country = ""
            world.defects.append(
                {"kind": "missing_value", "entity": "company", "key": key, "field": "country"}
            )
        world.companies.append(
            Company(
                key=key,
                locale=locale,
                name=name,
                phone=rng.choice(pool.phones),
                website=rng.choice((f"https://www.{domain}", f"www.{domain}", f"http://{domain}")),
                email=f"{rng.choice(('billing', 'accounts', 'ap', 'finance'))}@{domain}",
                industry=rng.choice(INDUSTRIES),
                street=rng.choice(pool.streets),
                city=rng.choice(pool.cities),
                state=rng.choice(pool.states),
                postal_code=rng.choice(pool.postcodes),
                country=country,
                employees=int(rng.lognormvariate(4, 1.5)) + 1,
                annual_revenue=round(rng.lognormvariate(15, 1.2), 2),
                description=rng.choice(pool.phrases),
                created_at=created.replace(microsecond=0),
            )
        )
    return world


def _company_name(rng: random.Random, pool: _Pools, locale: str, seen: set[str]) -> str:
    for _ in range(20):
        first, second = rng.sample(pool.names, 2)
        shape = rng.random()
        if shape < 0.4:
            base = f"{first} {rng.choice(LEGAL_SUFFIXES[locale])}"
        elif shape < 0.7:
            base = f"{first}-{second} {rng.choice(LEGAL_SUFFIXES[locale])}"
        else:
            base = f"{first} & {second}"
        if base not in seen:
            seen.add(base)
            return base
    base = f"{base} {len(seen)}"
    seen.add(base)
    return base


def _country(rng: random.Random, locale: str) -> str:
    spellings = COUNTRY_SPELLINGS[locale]
    # Most records hold the canonical name; a minority hold the variants users type.
    return spellings[0] if rng.random() < 0.7 else rng.choice(spellings[1:])
