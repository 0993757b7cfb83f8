"""A data steward's decisions on conflicts held for `manual` review (`harness conflicts`)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from harness import quarantine as qlib
from harness.api import _existing_state, load_flows, open_connectors
from harness.config import HarnessConfig
from harness.monitoring.logs import adopt_config
from sync.engine import RunResult, SyncEngine
from sync.errors import ConfigError
from sync.governance import Owner


def side_of(config: HarnessConfig, flow_name: str, system: str) -> Owner:
    """Which side of the flow a system name (`crm`, `erp`, ...) is."""
    flow = config.flow(flow_name)
    if system == flow.source:
        return "source"
    if system == flow.target:
        return "target"
    raise ConfigError(
        f"flow {flow_name!r} runs {flow.source} -> {flow.target}; keep one of those, "
        f"not {system!r}",
        key="--keep",
    )


def run_resolve_conflicts(
    config: HarnessConfig, flow_name: str, tokens: Sequence[str], *, keep: str, by: str
) -> RunResult:
    """Settle held conflicts of one flow by keeping one system's values (a replay run).

    `tokens` are quarantine ids or source ids; `keep` is a system name from harness.yaml.
    """
    if not by.strip():
        raise ConfigError("say who decides with --by NAME: the audit log records it", key="--by")
    side = side_of(config, flow_name, keep)
    (plan,) = load_flows(config, [flow_name])
    adopt_config(config, os.environ)
    with _existing_state(config) as state, open_connectors(config) as connectors:
        source_ids = qlib.source_ids_for(state, flow_name, tokens)
        held = {q.source_id for q in state.quarantined(flow_name) if q.reason == "conflict"}
        stray = [s for s in source_ids if s not in held]
        if stray:
            raise ConfigError(
                f"not held for a conflict in flow {flow_name!r}: {', '.join(stray)}; "
                "see `harness conflicts list`"
            )
        engine = SyncEngine(connectors[plan.config.source], connectors[plan.config.target], state)
        return engine.resolve_conflicts(plan.engine_flow(), source_ids, keep=side, by=by)
