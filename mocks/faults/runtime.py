"""The active fault plan of one mock app: rule counters, seeded draws and lasting states.

One `FaultRuntime` lives on `app.state.faults`. It decides, request by request, which rules
fire, keeps what outlives a request (schema drifts in force, NetSuite logins still to refuse,
HubSpot-style windows) and puts back the settings a plan patched when the plan goes.
"""

from __future__ import annotations

import copy
import difflib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mocks.context import MockContext
from mocks.faults.plan import FaultPlan, Rule, SchemaDrift, WindowLimit
from mocks.faults.validate import PlanError

_MISSING = object()


@dataclass
class RuleState:
    """Counters of one rule; `rng` decides `rate`, `draws` feeds the effect's own choices."""

    rule: Rule
    rng: random.Random
    draws: random.Random
    seen: int = 0
    fired: int = 0

    def consider(self) -> bool:
        """Count one matching request and say whether the rule fires on it."""
        self.seen += 1
        when = self.rule.when
        # Draw on every matching request, so the n-th request's fate depends on n alone.
        roll = self.rng.random() if when.rate is not None else 0.0
        if not when.admits(self.seen):
            return False
        if when.rate is not None and roll >= when.rate:
            return False
        if when.times is not None and self.fired >= when.times:
            return False
        self.fired += 1
        return True


@dataclass(frozen=True)
class Fired:
    """A rule that fired on a request, with the random source for its effect."""

    rule: Rule
    draws: random.Random


@dataclass(frozen=True)
class Decision:
    seq: int
    fired: tuple[Fired, ...]


@dataclass
class _Window:
    start: float = 0.0
    used: int = 0


@dataclass
class FaultRuntime:
    """Thread-safe: TestClient and uvicorn may call it from several threads."""

    ctx: MockContext
    # effect types the vendor can inject (None: all); rules with others are left out
    supported: frozenset[str] | None = None
    plan: FaultPlan | None = None
    states: list[RuleState] = field(default_factory=list)
    seq: int = 0
    drifts: list[SchemaDrift] = field(default_factory=list)
    login_failures: int = 0
    _windows: dict[int, _Window] = field(default_factory=dict)
    _patched: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def vendor(self) -> str:
        return self.ctx.vendor

    @property
    def active(self) -> bool:
        return bool(self.states or self.drifts or self.login_failures)

    # -- plan lifecycle ----------------------------------------------------------------------

    def apply(self, plan: FaultPlan) -> None:
        """Replace the active plan: restore what the old one patched, then patch and arm."""
        wanted = plan.settings_for(self.vendor)
        with self._lock:
            known = set(self.ctx.settings) | set(self._patched)
            unknown = sorted(set(wanted) - known)
            if unknown:
                raise PlanError(
                    [
                        f"settings.{self.vendor}: unknown setting {key!r}"
                        + _hint(key, sorted(known))
                        + f" (valid: {', '.join(sorted(known))})"
                        for key in unknown
                    ]
                )
            self._reset_locked()
            for key, value in wanted.items():
                current = self.ctx.settings.get(key, _MISSING)
                self._patched[key] = copy.deepcopy(current)
                if isinstance(current, dict) and isinstance(value, dict):
                    current.update(copy.deepcopy(value))
                else:
                    self.ctx.settings[key] = copy.deepcopy(value)
            self.plan = plan
            self.states = [
                RuleState(
                    rule,
                    random.Random(f"{plan.seed}:{rule.index}:when"),
                    random.Random(f"{plan.seed}:{rule.index}:effect"),
                )
                for rule in plan.rules_for(self.vendor)
                if self.supported is None or rule.effect.TYPE in self.supported
            ]

    def clear(self) -> None:
        """Drop the plan and every lasting fault; restore the settings the plan patched."""
        with self._lock:
            self._reset_locked()

    def _reset_locked(self) -> None:
        for key, value in self._patched.items():
            if value is _MISSING:
                self.ctx.settings.pop(key, None)
            else:
                self.ctx.settings[key] = value
        self._patched.clear()
        self.plan = None
        self.states = []
        self.seq = 0
        self.drifts = []
        self.login_failures = 0
        self._windows.clear()

    # -- per request -------------------------------------------------------------------------

    def decide(self, method: str, path: str, kind: str) -> Decision:
        """Count the request against every rule that matches it; return those that fire."""
        with self._lock:
            self.seq += 1
            fired = tuple(
                Fired(state.rule, state.draws)
                for state in self.states
                if state.rule.match.matches(self.vendor, method, path, kind) and state.consider()
            )
            return Decision(self.seq, fired)

    def window(self, rule: Rule, effect: WindowLimit) -> tuple[bool, int, float]:
        """Count a request in the rule's window: (over the limit, remaining, seconds left)."""
        now = time.monotonic()
        interval = effect.interval_ms / 1000
        with self._lock:
            win = self._windows.setdefault(rule.index, _Window(now))
            if now - win.start >= interval:
                win.start, win.used = now, 0
            win.used += 1
            left = max(0.0, interval - (now - win.start))
            return win.used > effect.max, max(0, effect.max - win.used), left

    def add_drift(self, drift: SchemaDrift) -> bool:
        """Put a schema drift in force; False when the same change is already in force."""
        with self._lock:
            if drift in self.drifts:
                return False
            self.drifts.append(drift)
            return True

    def refuse_logins(self, count: int) -> None:
        with self._lock:
            self.login_failures += count

    def take_login_failure(self) -> bool:
        """True (and one fewer to go) while signed requests are still to be refused."""
        with self._lock:
            if self.login_failures <= 0:
                return False
            self.login_failures -= 1
            return True

    def status(self) -> dict[str, Any]:
        """What `GET /__harness/faults` shows: the plan, per-rule counts, lasting faults."""
        with self._lock:
            return {
                "vendor": self.vendor,
                "active": self.plan is not None,
                "plan": self.plan.to_json() if self.plan else None,
                "requests": self.seq,
                "rules": [
                    {
                        "index": s.rule.index,
                        "name": s.rule.name,
                        "effect": s.rule.effect.TYPE,
                        "matched": s.seen,
                        "fired": s.fired,
                    }
                    for s in self.states
                ],
                "drifts": [d.to_json() for d in self.drifts],
                "login_failures_pending": self.login_failures,
                "patched_settings": sorted(self._patched),
            }


def _hint(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
