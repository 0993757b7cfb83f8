"""Reconcile what the judged integration left in the sandboxes, without a state file.

The integration is not ours, so no crosswalk records what it linked: the systems say it
themselves. Each target record carries its source key in the flow's external-id field, so
the id pairs a reference resolves through are read from the targets (`reference_tables`),
and the reconciler pairs records by external id, then business keys. Its root causes are
the ones a sync of ours would get (a name cut short shows as "silently truncated by the
target"), with nothing that needs the sync's memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import harness
from harness.api import load_flows
from harness.config import HarnessConfig
from reconcile.model import Check, ReconcileReport, ReportContext, SystemRef, Verdict
from reconcile.reading import snapshot
from reconcile.reconciler import build_report, reconcile_flow
from sync.connectors.base import Connector
from sync.mapping import MappingSpec, load_mapping
from sync.references import TableResolver, Tables


def reference_tables(
    config: HarnessConfig, specs: Sequence[MappingSpec], connectors: Mapping[str, Connector]
) -> Tables:
    """For each flow a mapping references, the id pairs its targets show: `via: source`
    (source key -> target id) and `via: target` (target id -> source key)."""
    tables: Tables = {}
    for ref in {r for spec in specs for r in spec.references}:
        flow = config.flow(ref.flow)
        other = load_mapping(flow.mapping)
        external = other.external_id_field
        targets = snapshot(connectors[flow.target], other.target.object, [external])
        pairs = {t.id: str(t.fields[external]) for t in targets.values() if t.fields.get(external)}
        if ref.via == "source":
            tables[(ref.flow, ref.via)] = {key: tid for tid, key in pairs.items()}
        else:
            tables[(ref.flow, ref.via)] = pairs
    return tables


def reconcile_judged(
    config: HarnessConfig, connectors: Mapping[str, Connector], flows: Sequence[str]
) -> ReconcileReport:
    """Score `flows` read-only through their mappings (the specification of what the
    integration had to do), as `harness reconcile` would with an empty state."""
    from reconcile.explain import SyncMemory

    started = datetime.now(UTC)
    plans = load_flows(config, flows)
    refs = TableResolver(reference_tables(config, [p.spec for p in plans], connectors))
    scores = [
        reconcile_flow(
            plan.config.name,
            plan.spec,
            connectors[plan.config.source],
            connectors[plan.config.target],
            memory=SyncMemory(refs=refs),
        )
        for plan in plans
    ]
    report = build_report(
        scores, config.thresholds, {"config": str(config.path), "judged": "an external integration"}
    )
    seconds = (datetime.now(UTC) - started).total_seconds()
    systems = tuple(
        SystemRef(name, s.vendor, s.base_url) for name, s in sorted(config.systems.items())
    )
    context = ReportContext(
        harness.__version__,
        started.isoformat(timespec="seconds"),
        round(seconds, 3),
        str(config.path),
        systems,
    )
    return replace(report, context=context)


def with_checks(report: ReconcileReport, checks: Sequence[Check]) -> ReconcileReport:
    """The report with the judge's own checks in its gate (GO needs every check to hold)."""
    every = (*report.verdict.checks, *checks)
    return replace(report, verdict=Verdict(go=all(c.ok for c in every), checks=every))


__all__ = ["reconcile_judged", "reference_tables", "with_checks"]
