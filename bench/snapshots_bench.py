"""`compare_snapshots` below and above the columnar threshold, on the same in-memory snapshots.

This is the integrated path: Salesforce Accounts mapped to NetSuite customers by the shipped
mapping, 5% of the customers edited and 1% deleted. The figure is the whole score (pairing,
mapping, compare, findings), per-record against columnar, and whether the two FlowScores are
identical. Run alone: `python -m bench.snapshots_bench 20000`.
"""

from __future__ import annotations

import copy
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconcile.columnar.pairs import ColumnarOptions
from reconcile.explain import SyncMemory
from reconcile.reconciler import compare_snapshots
from sync.connectors.base import Record
from sync.mapping import MappingSpec, apply_mapping, load_mapping

PAIR = Path(__file__).resolve().parents[1] / "fixtures" / "integrations" / "salesforce-netsuite"
MAPPING = PAIR / "customers.yaml"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
_CITIES = ["London", "Leeds", "Paris", "Berlin", "Zürich", "New York", "Toronto"]
_COUNTRIES = ["United Kingdom", "GB", "US", "Germany", "France", "CA"]


def snapshots(spec: MappingSpec, n: int, seed: int = 11) -> tuple[dict[str, Record], ...]:
    """n accounts and their customers as the sync would have written them, then edited."""
    rng = random.Random(seed)
    sources: dict[str, Record] = {}
    targets: dict[str, Record] = {}
    for i in range(n):
        fields = {
            "Id": f"001A{i:014d}",
            "Name": f"Company {i} {rng.choice(['Ltd', 'Inc', 'GmbH'])}",
            "Phone": f"+44 20 7946 {rng.randrange(10_000):04d}",
            "BillingStreet": f"{i} High Street\nUnit {rng.randrange(9)}",
            "BillingCity": rng.choice(_CITIES),
            "BillingState": "State",
            "BillingPostalCode": f"EC{rng.randrange(99)} 1BB",
            "BillingCountry": rng.choice(_COUNTRIES),
            "Website": f"www.company{i}.example.com",
            "Billing_Email__c": f"ap@company{i}.example.com",
            "Description": rng.choice(["Wholesale", "Retail", ""]),
        }
        sources[fields["Id"]] = Record(fields["Id"], fields, T0)
        payload: dict[str, Any] = copy.deepcopy(apply_mapping(spec, fields).payload)
        roll = rng.random()
        if roll < 0.01:
            continue  # never synced
        if roll < 0.06:
            payload["companyName"] = f"Edited {i}"
        elif roll < 0.08:
            payload["email"] = payload.get("email", "").upper()  # equal under ignore_case
        target_id = str(100_000 + i)
        payload["id"] = target_id
        targets[target_id] = Record(target_id, payload, T0 + timedelta(seconds=5))
    return sources, targets


def bench_snapshots(n: int) -> dict[str, Any]:
    spec = load_mapping(MAPPING)
    sources, targets = snapshots(spec, n)
    figures: dict[str, Any] = {"pairs": n}
    scores = {}
    for name, options in (
        ("per_record", ColumnarOptions(threshold=None)),
        ("columnar", ColumnarOptions(threshold=0)),
    ):
        started = time.perf_counter()
        scores[name] = compare_snapshots("customers", spec, sources, targets, SyncMemory(),
                                         columnar=options)  # fmt: skip
        figures[f"{name}_s"] = time.perf_counter() - started
    figures["identical_scores"] = scores["per_record"] == scores["columnar"]
    figures["different"] = scores["columnar"].different
    return figures


if __name__ == "__main__":
    print(bench_snapshots(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
