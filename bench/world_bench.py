"""World generation figures: a dirty full business generated in this process."""

from __future__ import annotations

import time

from mocks.world.generator import WorldSettings, generate_world

WORLD_LABELS = {
    "generate_s": "world generation, seconds (companies + business)",
    "records_per_s": "world generation, records/s",
    "companies_per_s": "world generation, companies only, companies/s",
    "companies_s": "world generation, companies only, seconds",
    "business_s": "world generation, business only, seconds",
    "records": "world generation, records",
    "orders": "world generation, orders",
    "order_lines": "world generation, order lines",
    "invoices": "world generation, invoices",
    "payments": "world generation, payments",
    "defects": "world generation, defects injected",
}


def bench_world(companies: int, seed: int, dirty: float = 0.2) -> dict[str, float]:
    """Generate a dirty full-business world of `companies` in this process: companies (pools,
    then composition), then contacts, catalogue, orders with lines, invoices, payments and
    inventory (about 4 orders a company: 200,000 for 50,000 companies)."""
    settings = WorldSettings(seed=seed, accounts=companies, dirty=dirty)
    started = time.perf_counter()
    world = generate_world(settings)
    companies_s = time.perf_counter() - started
    business = world.ensure_business()
    seconds = time.perf_counter() - started
    if len(world.companies) != companies:
        raise RuntimeError(f"expected {companies} companies, got {len(world.companies)}")
    counts = business.counts()
    records = companies + sum(counts.values())
    return {
        "generate_s": seconds,
        "companies_s": companies_s,
        "business_s": seconds - companies_s,
        "records": float(records),
        "records_per_s": records / seconds,
        "companies_per_s": companies / companies_s,
        **{name: float(counts[name]) for name in ("orders", "order_lines", "invoices", "payments")},
        "defects": float(len(world.defects)),
    }
