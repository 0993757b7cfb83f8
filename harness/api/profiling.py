"""`harness profile` behind the CLI and the Gherkin steps: profile one system's object,
read-only, with the mapping's hints (target lengths, phone regions, country transforms)."""

from __future__ import annotations

from pathlib import Path

from harness.api import load_flows, open_connectors
from harness.config import HarnessConfig
from reconcile.profile import ProfileHints, ProfileReport, profile_system, write_profile_reports
from reconcile.profile.profiler import ProgressFn
from sync.errors import ConfigError


def profile_target(config: HarnessConfig, system: str, obj: str | None) -> tuple[str, ProfileHints]:
    """The object to profile in `system` (the first flow's, unless named) and its hints."""
    if system not in config.systems:
        raise ConfigError(
            f"no system named {system!r} in the config; known: {sorted(config.systems)}",
            key="--system",
        )
    for plan in load_flows(config):
        for side, endpoint_system, endpoint in (
            ("source", plan.config.source, plan.spec.source),
            ("target", plan.config.target, plan.spec.target),
        ):
            if endpoint_system == system and obj in (None, endpoint.object):
                return endpoint.object, ProfileHints.from_mapping(plan.spec, side)
    if obj is None:
        raise ConfigError(
            f"no flow reads or writes {system!r}: name one with --object", key="--object"
        )
    return obj, ProfileHints.none()


def run_profile(
    config: HarnessConfig,
    system: str,
    obj: str | None = None,
    *,
    progress: ProgressFn | None = None,
    write: bool = True,
    reports_dir: Path | None = None,
) -> tuple[ProfileReport, dict[str, Path]]:
    """Profile `system`'s object through its connector, read-only; write JSON and Markdown."""
    name, hints = profile_target(config, system, obj)
    with open_connectors(config, read_only=True) as connectors:
        report = profile_system(
            connectors[system], name, system=system, hints=hints, progress=progress
        )
    paths = write_profile_reports(report, reports_dir or config.reports_dir) if write else {}
    return report, paths
