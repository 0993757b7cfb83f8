"""`harness prune`: apply the retention window to the state file and the log files.

The state file's part is `StateStore.prune` (which never touches an open quarantine entry or
anything the crosswalk or a watermark references); here the window is resolved from the
config and rotated log files older than it are removed too (the live log file stays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from harness.config import HarnessConfig
from harness.monitoring.logs import LOG_FILE
from sync.errors import ConfigError
from sync.state import PruneCounts, StateStore

_WINDOW = re.compile(r"^\s*(\d+)\s*([dhw]?)\s*$")
_UNITS = {"": "days", "d": "days", "h": "hours", "w": "weeks"}


def parse_window(text: str) -> timedelta:
    """`90d`, `12h`, `2w` or a bare number of days as a timedelta."""
    found = _WINDOW.match(text)
    if found is None or int(found.group(1)) <= 0:
        raise ConfigError(
            f"cannot read the window {text!r}; write a positive number of days (90d), hours "
            "(12h) or weeks (2w)",
            key="--older-than",
        )
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


@dataclass(frozen=True)
class PruneReport:
    cutoff: datetime
    dry_run: bool
    rows: PruneCounts
    log_files: tuple[Path, ...] = field(default_factory=tuple)


def prune(
    config: HarnessConfig, now: datetime, *, older_than: timedelta | None = None,
    dry_run: bool = False,
) -> PruneReport:  # fmt: skip
    """Delete what is older than `older_than` (default: `retention.days` of the config)."""
    window = older_than if older_than is not None else timedelta(days=config.retention.days)
    cutoff = now - window
    rows = PruneCounts()
    if config.state_path.exists():
        with StateStore(config.state_path) as state:
            rows = state.prune(cutoff, dry_run=dry_run)
    old_logs = tuple(_old_logs(config.logs_dir, cutoff))
    if not dry_run:
        for path in old_logs:
            path.unlink(missing_ok=True)
    return PruneReport(cutoff, dry_run, rows, old_logs)


def _old_logs(folder: Path, cutoff: datetime) -> list[Path]:
    if not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    return sorted(
        path
        for path in folder.glob(f"{LOG_FILE}*")
        if path.name != LOG_FILE and path.is_file() and path.stat().st_mtime < limit
    )
