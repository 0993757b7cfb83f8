"""Profile throughput: the data-quality audit over a dirty world's CRM accounts, in process.

The accounts are projected exactly as the Salesforce mock stores them and described through
the mock's own describe, so the profiler sees what `harness profile --system crm` sees, minus
the HTTP reads (the sync and reconcile figures measure those)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from mocks.salesforce.schema import ACCOUNT
from mocks.salesforce.schema.describe import describe_sobject
from mocks.salesforce.seed import account_fields
from mocks.world.generator import WorldSettings, generate_world
from reconcile.profile.profiler import profile_records
from sync.connectors.base import Record
from sync.connectors.salesforce.dialect import schema_from_describe

PROFILE_LABELS = {
    "records": "profile, accounts",
    "seconds": "profile, seconds",
    "records_per_s": "profile, accounts/s",
    "duplicate_groups": "profile, duplicate clusters found",
}


def bench_profile(accounts: int, seed: int, dirty: float = 0.2) -> dict[str, float]:
    world = generate_world(WorldSettings(seed=seed, accounts=accounts, dirty=dirty))
    when = datetime(2026, 1, 1, tzinfo=UTC)
    records = [
        Record(f"001{i:015d}", account_fields(company), when)
        for i, company in enumerate(world.companies)
    ]
    schema = schema_from_describe(describe_sobject(ACCOUNT, "59.0"))
    started = time.perf_counter()
    report = profile_records(schema, records, system="crm", vendor="salesforce")
    seconds = time.perf_counter() - started
    return {
        "records": float(len(records)),
        "seconds": seconds,
        "records_per_s": len(records) / seconds,
        "duplicate_groups": float(len(report.duplicates)),
    }
