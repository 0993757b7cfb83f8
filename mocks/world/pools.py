"""Value pools for the world generator: Faker is called here only, a few hundred times a locale.

Records are later composed from these pools with a seeded `random.Random` (PERFORMANCE.md:
Faker per field is an order of magnitude slower). Pools hold clean, canonical values; the
defect injector (`mocks.world.defects`) derives the dirty spellings from them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from faker import Faker

# Locale -> the spellings of its country that real CRMs end up holding, canonical name first.
COUNTRY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "en_US": ("United States", "USA", "US", "United States of America", "U.S.A."),
    "en_GB": ("United Kingdom", "UK", "GB", "Great Britain", "England", "GBR"),
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
# Realistic, not defects: names with accents and apostrophes, second address lines.
REALISTIC_NAMES = {
    "en_US": ("O'Brien", "D'Angelo", "O'Connor"),
    "en_GB": ("O'Neill", "McAllister-Brown", "D'Arcy"),
    "de_DE": ("Müller", "Schäfer", "Groß", "Weiß"),
    "fr_FR": ("Lefèvre", "Héloïse", "D'Aubigné", "Côté"),
    "en_CA": ("Bélanger", "O'Reilly", "Tremblay-Côté"),
}
SECOND_LINES = ("Suite 200", "Floor 3", "Building B", "Unit 12", "c/o Accounts Payable")
POOL_SIZE = 400
# The five ways people type a valid number, the canonical (INTERNATIONAL) one first.
PHONE_STYLES = ("international", "e164", "national", "dotted", "digits")


@dataclass
class Pools:
    names: list[str]
    streets: list[str]
    cities: list[str]
    states: list[str]
    postcodes: list[str]
    phones: list[str]  # valid numbers, INTERNATIONAL style
    phrases: list[str]


@lru_cache(maxsize=16)
def build_pools(locale: str, seed: int) -> Pools:
    """The pools of one locale; cached, as tests and demos reseed the same seeds (pools are
    never mutated)."""
    fake = Faker(locale, use_weighting=False)
    fake.seed_instance(seed)
    n = POOL_SIZE
    state = fake.state if hasattr(fake, "state") else fake.city
    if locale == "en_GB":
        state = fake.county
    names = [fake.last_name() for _ in range(n)] + list(REALISTIC_NAMES[locale])
    return Pools(
        names=names,
        streets=[fake.street_address().replace("\n", " ") for _ in range(n)],
        cities=[fake.city() for _ in range(n)],
        states=[state() for _ in range(n)],
        postcodes=[_canonical_postcode(locale, fake.postcode()) for _ in range(n)],
        phones=_valid_phones(fake, locale, n),
        phrases=[fake.catch_phrase() for _ in range(n)],
    )


def _canonical_postcode(locale: str, code: str) -> str:
    code = code.strip().upper()
    if locale == "en_CA":  # Faker writes some Canadian codes without the space.
        plain = code.replace(" ", "")
        return f"{plain[:3]} {plain[3:]}"
    return code


def _valid_phones(fake: Faker, locale: str, n: int) -> list[str]:
    """Numbers valid for the locale's country, in the canonical (INTERNATIONAL) style.

    Faker's numbers are often not dialable (made-up area codes); a clean world holds valid
    ones, written one way; the defect injector writes a few in the other styles
    (`phone_styles`).
    """
    region = LOCALE_REGIONS[locale]
    out: list[str] = []
    seen: set[str] = set()
    for _ in range(n * 50):
        if len(out) == n:
            break
        try:
            number = phonenumbers.parse(fake.phone_number(), region)
        except phonenumbers.NumberParseException:
            continue
        number.extension = None
        if not phonenumbers.is_valid_number(number):
            continue
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if text not in seen:
            seen.add(text)
            out.append(text)
    if not out:
        raise RuntimeError(f"could not build valid {region} phone numbers from Faker")
    rng = random.Random(f"phones-{locale}-{n}")
    while len(out) < n:
        out.append(rng.choice(out))
    return out


def phone_styles(international: str) -> tuple[str, ...]:
    """A valid number in every style of PHONE_STYLES, same order."""
    number = phonenumbers.parse(international, None)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return (
        international,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        national,
        ".".join(re.findall(r"\d+", national)),
        phonenumbers.national_significant_number(number),
    )
