"""The product catalogue, its price lists and the inventory held at a few warehouses.

A few hundred SKUs in families with a unit of measure; two price lists (standard and
wholesale), each pricing every product in every currency the customers pay in; inventory
levels per product per location. All composed from fixed word lists with the seeded
`random.Random`: no Faker, no clock.
"""

from __future__ import annotations

import random

from mocks.world.entities import InventoryLevel, Location, PriceEntry, PriceList, Product

PRODUCT_NAME_LIMIT = 255  # Salesforce Product2.Name
# Family -> units of measure its products are sold in.
FAMILIES = {
    "Hardware": ("Each", "Pack"),
    "Software": ("License", "Seat"),
    "Services": ("Hour", "Day"),
    "Consumables": ("Box", "Kg", "Litre"),
    "Spare Parts": ("Each", "Set"),
    "Accessories": ("Each", "Pack", "Metre"),
}
_ADJECTIVES = (
    "Compact", "Heavy-Duty", "Precision", "Industrial", "Modular", "Premium", "Eco",
    "Smart", "Café", "Résistant", "Outdoor", "Ultra", "Standard", "O'Keefe",
)  # fmt: skip
_NOUNS = (
    "Pump", "Valve", "Sensor", "Controller", "Filter", "Bracket", "Cable", "Gateway",
    "Adapter", "Panel", "Coupling", "Bearing", "Toolkit", "Module", "Cartridge",
)  # fmt: skip
# Currency -> units of it per US dollar (fixed: a world is the same on any day).
CURRENCY_RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36}
PRICE_LISTS = (("PL-STD", "Standard Price List", 1.0), ("PL-WHS", "Wholesale Price List", 0.85))
_WAREHOUSES = (
    ("Chicago Distribution Center", "United States", "America/Chicago"),
    ("Birmingham Fulfilment Centre", "United Kingdom", "Europe/London"),
    ("Leipzig Zentrallager Süd", "Germany", "Europe/Berlin"),
    ("Toronto Depot", "Canada", "America/Toronto"),
    ("Entrepôt de Lyon-Saint-Exupéry", "France", "Europe/Paris"),
    ("Reno Overflow Warehouse", "United States", "America/Los_Angeles"),
)


def make_products(rng: random.Random, count: int, phrases: list[str]) -> list[Product]:
    families = list(FAMILIES)
    out = []
    for i in range(1, count + 1):
        family = families[i % len(families)] if i <= len(families) else rng.choice(families)
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {rng.choice('ABCDEFGHKLMRSTX')}"
        name += f"-{rng.randint(10, 9999)}"
        if rng.random() < 0.02:  # catalogue names near the limit, realistic, not defects
            name = _padded(rng, name, phrases, rng.randint(PRODUCT_NAME_LIMIT - 15, 255))
        out.append(
            Product(
                key=f"SKU-{i:05d}",
                name=name,
                family=family,
                unit=rng.choice(FAMILIES[family]),
                description=rng.choice(phrases),
                active=rng.random() < 0.95,
            )
        )
    return out


def make_price_lists(
    rng: random.Random, products: list[Product]
) -> tuple[list[PriceList], list[PriceEntry]]:
    """Every product in every currency on every list: a base dollar price, converted at the
    fixed rates and rounded to a price ending in .99 or .00."""
    currencies = tuple(CURRENCY_RATES)
    lists = [PriceList(key, name, currencies) for key, name, _ in PRICE_LISTS]
    entries = []
    base = {p.key: max(rng.lognormvariate(4.5, 1.2), 1.0) for p in products}
    for key, _, factor in PRICE_LISTS:
        for product in products:
            for currency, rate in CURRENCY_RATES.items():
                price = base[product.key] * rate * factor
                cents = int(price) * 100 + 99 if price >= 10 else round(price * 100)
                entries.append(PriceEntry(key, product.key, currency, cents))
    return lists, entries


def make_locations(count: int) -> list[Location]:
    out = []
    for i in range(count):
        name, country, zone = _WAREHOUSES[i % len(_WAREHOUSES)]
        if i >= len(_WAREHOUSES):
            name = f"{name} {i // len(_WAREHOUSES) + 1}"
        out.append(Location(f"LOC-{i + 1:02d}", name, country, zone))
    return out


def make_inventory(
    rng: random.Random, products: list[Product], locations: list[Location]
) -> list[InventoryLevel]:
    out = []
    for product in products:
        stocked = product.family not in ("Services", "Software")
        for location in locations:
            on_hand = int(rng.lognormvariate(4, 1.3)) if stocked and rng.random() < 0.9 else 0
            reserved = int(on_hand * rng.random() * 0.5)
            reorder = int(rng.lognormvariate(2.5, 0.6)) if stocked else 0
            out.append(InventoryLevel(product.key, location.key, on_hand, reserved, reorder))
    return out


def _padded(rng: random.Random, name: str, phrases: list[str], length: int) -> str:
    while len(name) < length:
        name = f"{name} {rng.choice(phrases)}"
    return name[:length].rstrip()


__all__ = [
    "CURRENCY_RATES",
    "FAMILIES",
    "PRODUCT_NAME_LIMIT",
    "make_inventory",
    "make_locations",
    "make_price_lists",
    "make_products",
]
