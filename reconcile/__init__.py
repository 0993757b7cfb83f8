"""The reconciler: snapshot both systems read-only, pair, compare through the mapping,
explain every mismatch and score the result into a GO / NO-GO verdict."""

from reconcile.explain import SyncMemory
from reconcile.model import (
    Check,
    FieldDiff,
    FieldScore,
    Finding,
    FlowScore,
    ReconcileReport,
    Thresholds,
    Verdict,
)
from reconcile.reconciler import build_report, compare_snapshots, judge, reconcile_flow, snapshot
from reconcile.render import render_json, render_markdown, write_reports

__all__ = [
    "Check",
    "FieldDiff",
    "FieldScore",
    "Finding",
    "FlowScore",
    "ReconcileReport",
    "SyncMemory",
    "Thresholds",
    "Verdict",
    "build_report",
    "compare_snapshots",
    "judge",
    "reconcile_flow",
    "render_json",
    "render_markdown",
    "snapshot",
    "write_reports",
]
