"""Where a rollout stands: the active phase, since when, and every decision taken, kept in
`rollout.json` beside the state file (written whole, atomically)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sync.errors import ConfigError

STATE_FILE = "rollout.json"


@dataclass(frozen=True)
class Decision:
    """One step of the rollout: an advance (forced or not) or a hold, by whom and why."""

    at: str
    action: str  # advance, hold
    phase: str  # the phase the decision left (advance) or kept (hold)
    to: str | None = None
    forced: bool = False
    by: str = ""
    reason: str = ""


@dataclass
class RolloutState:
    phase: str
    since: str  # ISO time the phase started
    held: str | None = None  # the reason of a hold in force
    decisions: list[Decision] = field(default_factory=list)

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.since)


def state_path(state_db: Path) -> Path:
    return state_db.with_name(STATE_FILE)


def read_state(path: Path, first_phase: str, now: datetime | None = None) -> RolloutState:
    """The rollout's state; none yet: the first phase, starting now (written at once, so the
    days a gate counts start from the first look)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        decisions = [Decision(**d) for d in raw.get("decisions", [])]
        state = RolloutState(str(raw["phase"]), str(raw["since"]), raw.get("held"), decisions)
        if state.started.tzinfo is None:
            raise ValueError(f"since {state.since!r} has no time zone")
        return state
    except FileNotFoundError:
        state = RolloutState(first_phase, (now or datetime.now(UTC)).isoformat())
        write_state(path, state)
        return state
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"the rollout state {path} is unreadable ({type(exc).__name__}:"
                          f" {exc}); restore it from a backup, or remove it to start again"
                          " from the first phase", file=str(path)) from exc  # fmt: skip


def write_state(path: Path, state: RolloutState) -> None:
    body = json.dumps({"phase": state.phase, "since": state.since, "held": state.held,
                       "decisions": [asdict(d) for d in state.decisions]}, indent=1)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rollout-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
    os.replace(tmp, path)


__all__ = ["STATE_FILE", "Decision", "RolloutState", "read_state", "state_path", "write_state"]
