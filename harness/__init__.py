"""The CRM <-> ERP integration harness: the scripting API behind the `harness` CLI.

`__all__` is the declared, pinned public API (tests/test_public_api.py): what a script may
import from `harness` without reaching into submodules, e.g.

    from harness import load_config, run_sync, run_reconcile

Every CLI call imports this module first (`harness/cli.py` lives inside the package), so the
exports are resolved lazily (PEP 562): `import harness` reads only the version, and the first
access to a name imports its module. The `TYPE_CHECKING` block gives type checkers the same
names statically.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.api import (
        FlowPlan,
        health,
        load_flows,
        metrics_text,
        open_connectors,
        prune_history,
        quarantine_discard,
        quarantine_list,
        quarantine_show,
        reconcile_history,
        run_history,
        run_reconcile,
        run_replay,
        run_resolve_conflicts,
        run_rollback,
        run_sync,
        select_replay,
    )
    from harness.api.profiling import profile_target, run_profile
    from harness.api.shadow import shadow_report
    from harness.config import HarnessConfig, load_config
    from harness.sandbox import Sandbox

_DISTRIBUTION = "crm-erp-harness"


def _distribution_version() -> str:
    """The installed distribution's version; "0+unknown" when running from an uninstalled tree."""
    try:
        return version(_DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


__version__: str = _distribution_version()

# Public name -> "module:attribute" it is loaded from on first access.
_EXPORTS: dict[str, str] = {
    "FlowPlan": "harness.api:FlowPlan",
    "HarnessConfig": "harness.config:HarnessConfig",
    "Sandbox": "harness.sandbox:Sandbox",
    "health": "harness.api:health",
    "load_config": "harness.config:load_config",
    "load_flows": "harness.api:load_flows",
    "metrics_text": "harness.api:metrics_text",
    "open_connectors": "harness.api:open_connectors",
    "profile_target": "harness.api.profiling:profile_target",
    "prune_history": "harness.api:prune_history",
    "quarantine_discard": "harness.api:quarantine_discard",
    "quarantine_list": "harness.api:quarantine_list",
    "quarantine_show": "harness.api:quarantine_show",
    "reconcile_history": "harness.api:reconcile_history",
    "run_history": "harness.api:run_history",
    "run_profile": "harness.api.profiling:run_profile",
    "run_reconcile": "harness.api:run_reconcile",
    "run_replay": "harness.api:run_replay",
    "run_resolve_conflicts": "harness.api:run_resolve_conflicts",
    "run_rollback": "harness.api:run_rollback",
    "run_sync": "harness.api:run_sync",
    "select_replay": "harness.api:select_replay",
    "shadow_report": "harness.api.shadow:shadow_report",
}

__all__ = [
    "FlowPlan",
    "HarnessConfig",
    "Sandbox",
    "__version__",
    "health",
    "load_config",
    "load_flows",
    "metrics_text",
    "open_connectors",
    "profile_target",
    "prune_history",
    "quarantine_discard",
    "quarantine_list",
    "quarantine_show",
    "reconcile_history",
    "run_history",
    "run_profile",
    "run_reconcile",
    "run_replay",
    "run_resolve_conflicts",
    "run_rollback",
    "run_sync",
    "select_replay",
    "shadow_report",
]


def __getattr__(name: str) -> object:
    """Import a public name's module on first access and cache the value in the module, so
    later lookups never come back here. Unknown names raise AttributeError, which is also what
    lets `from harness import output` fall through to importing the submodule."""
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The loaded names plus the lazy ones, so completion and `dir()` show the whole API."""
    return sorted({*globals(), *__all__})
