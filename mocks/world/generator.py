"""A Faker-seeded canonical business world, deterministic by seed.

Faker is called only to fill small pools of values (`mocks.world.pools`); records are then
composed from the pools with a seeded `random.Random`, which is an order of magnitude faster
than Faker per field. Every date is anchored to `WorldSettings.as_of`, never to today's clock,
so a seed gives the same world on any day. A clean world writes every value one way; a dirty
one (`dirty` > 0) carries the defects of `mocks.world.defects`, each in `World.defects`.
Vendor mocks project the canonical world into their own objects and tell the world which
record ids and field names they gave it, so the ground truth names the vendor's records.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

import orjson

from mocks.world.business import generate_business
from mocks.world.defects import DefectInjector, Draft
from mocks.world.entities import Business
from mocks.world.names import name_key
from mocks.world.pools import (
    COUNTRY_SPELLINGS,
    INDUSTRIES,
    LEGAL_SUFFIXES,
    LOCALE_REGIONS,
    LOCALE_WEIGHTS,
    Pools,
    build_pools,
)
from mocks.world.settings import DEFAULT_AS_OF, WorldSettings

_MAILBOXES = ("billing", "accounts", "ap", "finance")


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
    country: str  # as typed by a user: the country's name in a clean world
    employees: int
    annual_revenue: float
    description: str
    created_at: datetime


@dataclass
class World:
    settings: WorldSettings
    companies: list[Company] = field(default_factory=list)
    # Ground truth of every defect injected: {"kind", "entity", "key", "field", "details"};
    # duplicates also carry "cluster" (the company keys of every member, original first).
    defects: list[dict[str, Any]] = field(default_factory=list)
    # vendor -> company key -> the record id that vendor's seeder gave it
    record_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    # vendor -> canonical field (or "<entity>.<field>") -> the vendor's field name
    field_names: dict[str, dict[str, str]] = field(default_factory=dict)
    # vendor -> key of a record its seeder left out -> why (the vendor would refuse it)
    not_loaded: dict[str, dict[str, str]] = field(default_factory=dict)
    # Contacts, catalogue, orders, invoices, payments, inventory: only with `full_business`
    # (or after `ensure_business()`); their defects join `defects`, entity by entity.
    business: Business | None = None
    # What both systems of a pair already share (`mocks.world.overlap.membership`), kept
    # once computed: both seeders and both packs' id plans read it.
    overlap: Any = field(default=None, repr=False)

    def ensure_business(self) -> Business:
        """The rest of the business, generated on first use (a pure function of the settings
        and the companies, so generating it late gives the same records as the flag)."""
        if self.business is None:
            self.business, defects = generate_business(self.settings, self.companies)
            self.defects = self.defects + defects
        return self.business

    def to_json(self) -> bytes:
        """The whole world (settings, companies, business, ground truth) as canonical JSON:
        byte-identical for the same settings."""
        data = {
            "settings": self.settings.to_json(),
            "companies": self.companies,
            "business": self.business,
            "defects": self.defects,
        }
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)

    def project(
        self,
        vendor: str,
        ids: dict[str, str],
        names: dict[str, str],
        not_loaded: dict[str, str] | None = None,
    ) -> None:
        """A seeder says which record ids and field names it gave the world's records (keyed
        by company or contact key; a name keyed "<entity>.<field>" wins over "<field>"), and
        which records it left out because the vendor would refuse them, with the reason."""
        self.record_ids[vendor] = ids
        self.field_names[vendor] = names
        self.not_loaded[vendor] = dict(not_loaded or {})

    def defects_for(self, vendor: str) -> list[dict[str, Any]]:
        """Defects as seen in one vendor's projection: only the records it holds, with its
        record ids (`record_id`, `cluster_record_ids`) and field name (`vendor_field`); a
        record the seeder left out keeps its defect with `not_loaded` (the reason) and no
        `record_id`, since no profile of the vendor can see it."""
        ids = self.record_ids.get(vendor, {})
        names = self.field_names.get(vendor, {})
        skipped = self.not_loaded.get(vendor, {})
        out = []
        for d in self.defects:
            vendor_field = names.get(
                f"{d['entity']}.{d['field']}", names.get(d["field"], d["field"])
            )
            if d["key"] in skipped:
                out.append({**d, "vendor": vendor, "vendor_field": vendor_field,
                            "not_loaded": skipped[d["key"]]})  # fmt: skip
                continue
            if d["key"] not in ids:
                continue
            fact = {**d, "vendor": vendor, "record_id": ids[d["key"]]}
            fact["vendor_field"] = vendor_field
            if "cluster" in d:
                fact["cluster"] = list(d["cluster"])
                fact["cluster_record_ids"] = [ids[k] for k in d["cluster"] if k in ids]
            out.append(fact)
        return out


def generate_world(settings: WorldSettings) -> World:
    """Compose `settings.accounts` companies; pure function of the settings."""
    settings.validate()
    rng = random.Random(settings.seed)
    locales = list(LOCALE_WEIGHTS)
    pools = {loc: build_pools(loc, settings.seed + i) for i, loc in enumerate(locales)}
    weights = [LOCALE_WEIGHTS[loc] for loc in locales]
    world = World(settings)
    taken_keys: set[str] = set()
    injector = DefectInjector(
        random.Random(f"defects-{settings.seed}"),
        settings.defect_shares(),
        settings.dirty,
        taken_names=set(),
        taken_domains=set(),
    )
    cumulative = list(accumulate(weights))
    for i in range(settings.accounts):
        locale = locales[bisect(cumulative, rng.random() * cumulative[-1])]
        pool = pools[locale]
        draft = _draft(rng, f"CO-{i + 1:06d}", locale, pool, taken_keys, injector, settings)
        before = len(injector.defects)
        _legacy_defects(rng, draft, pool, settings, injector)
        if len(injector.defects) == before:
            injector.apply(draft, pool)
        world.companies.append(Company(**draft.values))
    world.defects = injector.defects
    if settings.full_business:
        world.ensure_business()
    return world


def _draft(
    rng: random.Random,
    key: str,
    locale: str,
    pool: Pools,
    taken_keys: set[str],
    injector: DefectInjector,
    settings: WorldSettings,
) -> Draft:
    pick = _picker(rng)
    name = _company_name(rng, pool, locale, taken_keys)
    injector.taken_names.add(name)
    domain = _domain(rng, name, injector.taken_domains)
    phone_index = int(rng.random() * len(pool.phones))
    created = settings.as_of - timedelta(seconds=rng.randint(86_400, 5 * 365 * 86_400))
    values: dict[str, Any] = {
        "key": key,
        "locale": locale,
        "name": name,
        "phone": pool.phones[phone_index],
        "website": pick((f"https://www.{domain}", f"www.{domain}", f"http://{domain}")),
        "email": f"{pick(_MAILBOXES)}@{domain}",
        "industry": pick(INDUSTRIES),
        "street": pick(pool.streets),
        "city": pick(pool.cities),
        "state": pick(pool.states),
        "postal_code": pick(pool.postcodes),
        "country": COUNTRY_SPELLINGS[locale][0],
        "employees": int(rng.lognormvariate(4, 1.5)) + 1,
        "annual_revenue": round(rng.lognormvariate(15, 1.2), 2),
        "description": pick(pool.phrases),
        "created_at": created.replace(microsecond=0),
    }
    return Draft(values, locale, phone_index)


def _legacy_defects(
    rng: random.Random, draft: Draft, pool: Pools, settings: WorldSettings, inj: DefectInjector
) -> None:
    """The two single-field knobs that predate `dirty` (kept for the sign-off scenarios)."""
    v = draft.values
    if settings.long_name_rate and rng.random() < settings.long_name_rate:
        v["name"] = f"{v['name']} {' '.join(rng.sample(pool.phrases, 3))} Holdings International"
        inj._record("overlong_value", draft, "name", length=len(v["name"]), limit=83)
        draft.eligible = False
    elif settings.missing_country_rate and rng.random() < settings.missing_country_rate:
        v["country"] = ""
        inj._record("missing_value", draft, "country")
        draft.eligible = False


def _picker(rng: random.Random) -> Callable[[Sequence[str]], str]:
    """`rng.choice` without its overhead (a third of the time of a record in the hot loop)."""
    draw = rng.random
    return lambda seq: seq[int(draw() * len(seq))]


@lru_cache(maxsize=4096)
def _slug(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isascii() and ch.isalnum())


def _domain(rng: random.Random, name: str, taken: set[str]) -> str:
    slug = _slug(name.split()[0])
    for _ in range(50):
        domain = f"{slug or 'company'}{rng.randint(1, 9999)}.example.com"
        if domain not in taken:
            break
    taken.add(domain)
    return domain


def _company_name(rng: random.Random, pool: Pools, locale: str, seen: set[str]) -> str:
    """A name whose key (tokens without legal form) no other company of the world has."""
    for _ in range(30):
        first, second = rng.sample(pool.names, 2)
        shape = rng.random()
        if shape < 0.4:
            base = f"{first} {rng.choice(LEGAL_SUFFIXES[locale])}"
        elif shape < 0.7:
            base = f"{first}-{second} {rng.choice(LEGAL_SUFFIXES[locale])}"
        else:
            base = f"{first} & {second}"
        key = name_key(base)
        if key not in seen:
            seen.add(key)
            return base
    first, second, third = rng.sample(pool.names, 3)
    base = f"{first}, {second} & {third} {rng.choice(LEGAL_SUFFIXES[locale])}"
    seen.add(name_key(base))
    return base


__all__ = [
    "COUNTRY_SPELLINGS",
    "DEFAULT_AS_OF",
    "LOCALE_REGIONS",
    "Company",
    "World",
    "WorldSettings",
    "generate_world",
]
