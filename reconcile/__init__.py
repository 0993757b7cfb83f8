"""The reconciler: snapshot both systems read-only, pair, compare through the mapping,
explain every mismatch and score the result into a GO / NO-GO verdict.

The names resolve lazily (PEP 562): importing `reconcile.model` (as the config does) must not
load the comparer and its deepdiff, pandas and polars, which cost every CLI call a second.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    from reconcile.reading import snapshot
    from reconcile.reconciler import (
        build_report,
        compare_snapshots,
        judge,
        reconcile_flow,
    )
    from reconcile.render import render_json, render_markdown, write_reports
    from reconcile.render_html import render_html
    from reconcile.render_junit import render_junit

# Public name -> the module it is loaded from on first access.
_EXPORTS: dict[str, str] = {
    "REPORT_SCHEMA_VERSION": "reconcile.model",
    "Check": "reconcile.model",
    "FieldDiff": "reconcile.model",
    "FieldScore": "reconcile.model",
    "Finding": "reconcile.model",
    "FlowScore": "reconcile.model",
    "ReconcileReport": "reconcile.model",
    "SyncMemory": "reconcile.explain",
    "Thresholds": "reconcile.model",
    "Verdict": "reconcile.model",
    "build_report": "reconcile.reconciler",
    "compare_snapshots": "reconcile.reconciler",
    "judge": "reconcile.reconciler",
    "mask_report": "reconcile.mask",
    "reconcile_flow": "reconcile.reconciler",
    "render_html": "reconcile.render_html",
    "render_json": "reconcile.render",
    "render_junit": "reconcile.render_junit",
    "render_markdown": "reconcile.render",
    "snapshot": "reconcile.reading",
    "summarize": "reconcile.history",
    "write_reports": "reconcile.render",
}

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


def __getattr__(name: str) -> object:
    """Import a public name's module on first access and cache the value; unknown names raise
    AttributeError, which also lets `from reconcile import x` import the submodule `x`."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The loaded names plus the lazy ones."""
    return sorted({*globals(), *__all__})
