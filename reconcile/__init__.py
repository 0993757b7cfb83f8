"""The reconciler: snapshot both systems read-only, pair, compare through the mapping,
explain every mismatch and score the result into a GO / NO-GO verdict."""

from reconcile.explain import SyncMemory
from reconcile.history import summarize
from reconcile.mask import mask_report
from reconcile.model import (
    REPORT_SCHEMA_VERSION,
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
from reconcile.render_html import render_html
from reconcile.render_junit import render_junit

__all__ = [
    "REPORT_SCHEMA_VERSION",
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
    "mask_report",
    "reconcile_flow",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "snapshot",
    "summarize",
    "write_reports",
]
