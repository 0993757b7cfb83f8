"""Contacts of the companies: 1 to `contacts_per_company` people at each, from locale pools.

First names come from a small Faker pool per locale (built once, cached); last names are the
company-name pool of `mocks.world.pools`, which carries accents and apostrophes (Müller,
O'Brien, Lefèvre). A few compound last names run close to Salesforce's 80 characters. These
are realistic values, not defects; the defects are injected by `mocks.world.business_defects`.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from faker import Faker

from mocks.world.pools import COUNTRY_SPELLINGS, SECOND_LINES, Pools

if TYPE_CHECKING:
    from mocks.world.generator import Company

CONTACT_LAST_NAME_LIMIT = 80  # Salesforce Contact.LastName
FIRST_NAME_POOL = 300
TITLES = (
    "Accounts Payable Clerk",
    "Buyer",
    "Chief Financial Officer",
    "Controller",
    "Director of Operations",
    "Finance Manager",
    "Head of Procurement",
    "IT Manager",
    "Office Manager",
    "Operations Coordinator",
    "Procurement Specialist",
    "Purchasing Manager",
    "Senior Vice President, Global Supply Chain and Strategic Sourcing",
    "Warehouse Supervisor",
)
# Realistic first names Faker's pools may miss: accents, apostrophes, hyphens.
REALISTIC_FIRST_NAMES = {
    "en_US": ("D'Andre", "José", "Zoë"),
    "en_GB": ("Siân", "Eoghan", "Niamh"),
    "de_DE": ("Jörg", "Käthe", "Hans-Jürgen"),
    "fr_FR": ("Hélène", "François", "Jean-Noël", "Anaïs"),
    "en_CA": ("Geneviève", "Jérôme", "Amélie"),
}
_DOMAIN = re.compile(r"^[a-z0-9-]+\.example\.com$")


@lru_cache(maxsize=16)
def first_names(locale: str, seed: int) -> tuple[str, ...]:
    """A locale's first-name pool; Faker is called here only."""
    fake = Faker(locale, use_weighting=False)
    fake.seed_instance(seed)
    names = [fake.first_name() for _ in range(FIRST_NAME_POOL)]
    return (*names, *REALISTIC_FIRST_NAMES[locale])


@lru_cache(maxsize=65536)
def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` ("O'Brien" -> "obrien", "Jörg" -> "jorg")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def company_domain(company: Company) -> str:
    """The company's mail domain, read from its email or website (either may be a defect)."""
    for text in (company.email.rpartition("@")[2], company.website.rpartition("/")[2]):
        host = text.removeprefix("www.")
        if _DOMAIN.match(host):
            return host
    return f"{ascii_slug(company.key)}.example.com"


class ContactMaker:
    """Composes the contacts of one company after another, numbering them across the world."""

    def __init__(self, rng: random.Random, pools: dict[str, Pools], seed: int, top: int) -> None:
        self.rng = rng
        self.pools = pools
        self.first = {loc: first_names(loc, seed + 100 + i) for i, loc in enumerate(pools)}
        self.top = top
        self.count = 0
        draw = rng.random
        self.pick: Callable[[Sequence[str]], str] = lambda seq: seq[int(draw() * len(seq))]

    def for_company(self, company: Company, as_of_seconds: float) -> list[dict[str, Any]]:
        """The values of 1 to `top` contacts (dicts, so defects can be injected before freezing)."""
        rng, pick = self.rng, self.pick
        pool, firsts = self.pools[company.locale], self.first[company.locale]
        domain = company_domain(company)
        country = COUNTRY_SPELLINGS[company.locale][0]
        created = company.created_at
        span = max(as_of_seconds - created.timestamp(), 1.0)
        taken: set[str] = set()
        out: list[dict[str, Any]] = []
        for _ in range(1 + int(rng.random() * self.top)):
            self.count += 1
            first, last = pick(firsts), pick(pool.names)
            if rng.random() < 0.01:
                last = _long_last_name(rng, pool.names)
            local = f"{ascii_slug(first)}.{ascii_slug(last)}"[:48] or "contact"
            while local in taken:
                local += str(rng.randint(1, 9))
            taken.add(local)
            if rng.random() < 0.7:
                street, city = company.street, company.city
                state, postcode = company.state, company.postal_code
            else:
                street, city, state = pick(pool.streets), pick(pool.cities), pick(pool.states)
                postcode = pick(pool.postcodes)
            if rng.random() < 0.1 and "\n" not in street:
                street = f"{street}\n{pick(SECOND_LINES)}"
            out.append(
                {
                    "key": f"CT-{self.count:07d}",
                    "company_key": company.key,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{local}@{domain}",
                    "phone": pick(pool.phones),
                    "title": pick(TITLES),
                    "street": street,
                    "city": city or pick(pool.cities),
                    "state": state,
                    "postal_code": postcode or pick(pool.postcodes),
                    "country": country,
                    "created_at": created + timedelta(seconds=int(rng.random() * span)),
                }
            )
        return out


def _long_last_name(rng: random.Random, names: Sequence[str]) -> str:
    """A compound family name of 70-80 characters ("Müller-O'Brien-Lefèvre-...")."""
    target = rng.randint(CONTACT_LAST_NAME_LIMIT - 10, CONTACT_LAST_NAME_LIMIT)
    out = rng.choice(names)
    while len(out) < target:
        out = f"{out}-{rng.choice(names)}"
    return out[:target].rstrip("-' ")


__all__ = ["CONTACT_LAST_NAME_LIMIT", "ContactMaker", "ascii_slug", "company_domain"]
