"""The fault plan model: frozen dataclasses built from a checked YAML or JSON document.

A plan is a seed, runtime settings per vendor, and ordered rules. Each rule says which
requests it looks at (`match`), on which of them it fires (`when`) and what then happens
(`effect`). `mocks.faults.validate` checks a document before `FaultPlan.from_dict` builds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, ClassVar, Literal, get_args

Kind = Literal["any", "auth", "describe", "query", "read", "write", "other"]
KINDS: tuple[str, ...] = get_args(Kind)
HANG_CAP_SECONDS = 300.0  # a hang never holds a request longer, whatever a plan says


@dataclass(frozen=True)
class Match:
    """Which requests a rule looks at; every given condition must hold."""

    vendor: str | None = None
    methods: frozenset[str] = frozenset()
    path: str | None = None
    kinds: frozenset[str] = frozenset()  # empty or containing "any": every kind

    def matches(self, vendor: str, method: str, path: str, kind: str) -> bool:
        if self.vendor is not None and self.vendor != vendor:
            return False
        if self.methods and method.upper() not in self.methods:
            return False
        if self.path is not None and not fnmatchcase(path, self.path):
            return False
        return not self.kinds or "any" in self.kinds or kind in self.kinds

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.vendor:
            out["vendor"] = self.vendor
        if self.methods:
            out["methods"] = sorted(self.methods)
        if self.path:
            out["path"] = self.path
        if self.kinds:
            out["kind"] = sorted(self.kinds)
        return out


@dataclass(frozen=True)
class When:
    """On which matching requests (counted from 1 per rule) a rule fires; conditions AND."""

    rate: float | None = None
    nth: frozenset[int] = frozenset()
    first: int | None = None
    after: int | None = None
    times: int | None = None  # cap on how often the rule fires in all

    def admits(self, n: int) -> bool:
        """The count conditions (not `rate`, not `times`) for the n-th matching request."""
        if self.nth and n not in self.nth:
            return False
        if self.first is not None and n > self.first:
            return False
        return self.after is None or n > self.after

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.rate is not None:
            out["rate"] = self.rate
        if self.nth:
            out["nth"] = sorted(self.nth)
        for name in ("first", "after", "times"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Effect:
    """What a firing rule does. Subclasses carry the parameters of one effect type."""

    TYPE: ClassVar[str] = ""
    # terminal: answers the request itself; the first firing terminal rule wins.
    TERMINAL: ClassVar[bool] = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.TYPE}
        for key, value in self.__dict__.items():
            if value is not None and value is not False:  # unset options stay out
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Latency(Effect):
    TYPE: ClassVar[str] = "latency"
    ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    median_ms: float | None = None
    sigma: float | None = None


@dataclass(frozen=True)
class Error(Effect):
    TYPE: ClassVar[str] = "error"
    TERMINAL: ClassVar[bool] = True
    status: int = 500
    code: str | None = None
    message: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class RateLimit(Effect):
    TYPE: ClassVar[str] = "rate_limit"
    TERMINAL: ClassVar[bool] = True
    style: Literal["auto", "concurrency", "daily", "hubspot"] = "auto"
    retry_after: tuple[float, float] = (1.0, 1.0)


@dataclass(frozen=True)
class WindowLimit(Effect):
    TYPE: ClassVar[str] = "window_limit"
    max: int = 100
    interval_ms: int = 10_000


@dataclass(frozen=True)
class Hang(Effect):
    TYPE: ClassVar[str] = "hang"
    TERMINAL: ClassVar[bool] = True
    seconds: float = 30.0
    then: Literal["gateway_timeout", "reset"] = "gateway_timeout"


@dataclass(frozen=True)
class Reset(Effect):
    TYPE: ClassVar[str] = "reset"
    TERMINAL: ClassVar[bool] = True


@dataclass(frozen=True)
class MalformedJson(Effect):
    TYPE: ClassVar[str] = "malformed_json"
    TERMINAL: ClassVar[bool] = True
    body: str = '{"data": [{"id": "1'


@dataclass(frozen=True)
class TruncatedJson(Effect):
    TYPE: ClassVar[str] = "truncated_json"
    keep: float = 0.5


@dataclass(frozen=True)
class PartialBatch(Effect):
    TYPE: ClassVar[str] = "partial_batch"
    rate: float | None = None
    count: int | None = None
    code: str = "UNABLE_TO_LOCK_ROW"
    message: str = "unable to obtain exclusive access to this record or 1 records"


@dataclass(frozen=True)
class TokenExpiry(Effect):
    TYPE: ClassVar[str] = "token_expiry"
    requests: int = 1  # NetSuite: how many signed requests fail; Salesforce: until re-auth


@dataclass(frozen=True)
class SchemaDrift(Effect):
    TYPE: ClassVar[str] = "schema_drift"
    object: str = ""
    field: str = ""
    rename: str | None = None
    remove: bool = False
    retype: str | None = None

    @property
    def change(self) -> str:
        return "rename" if self.rename else "remove" if self.remove else "retype"


@dataclass(frozen=True)
class LateVisibility(Effect):
    TYPE: ClassVar[str] = "late_visibility"
    seconds: float = 5.0


@dataclass(frozen=True)
class PagingDrift(Effect):
    TYPE: ClassVar[str] = "paging_drift"
    count: int = 1


@dataclass(frozen=True)
class DuplicateRule(Effect):
    TYPE: ClassVar[str] = "duplicate_rule"
    object: str | None = None  # None: the vendor dialect's usual object (its companies)
    field: str | None = None  # None: that object's name field


EFFECT_TYPES: dict[str, type[Effect]] = {
    cls.TYPE: cls
    for cls in (Latency, Error, RateLimit, WindowLimit, Hang, Reset, MalformedJson,
                TruncatedJson, PartialBatch, TokenExpiry, SchemaDrift, LateVisibility,
                PagingDrift, DuplicateRule)
}  # fmt: skip


def build_effect(data: Mapping[str, Any]) -> Effect:
    """An effect from its checked mapping (`type` plus that type's parameters)."""
    cls = EFFECT_TYPES[str(data["type"])]
    params = {k: v for k, v in data.items() if k != "type"}
    if cls is RateLimit and "retry_after" in params:
        value = params["retry_after"]
        low, high = (value, value) if isinstance(value, int | float) else value
        params["retry_after"] = (float(low), float(high))
    return cls(**params)


@dataclass(frozen=True)
class Rule:
    """One line of a plan; `index` is its place in the plan's `rules` list."""

    index: int
    name: str
    effect: Effect
    match: Match = field(default_factory=Match)
    when: When = field(default_factory=When)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "match": self.match.to_json(),
            "when": self.when.to_json(),
            "effect": self.effect.to_json(),
        }


@dataclass(frozen=True)
class FaultPlan:
    """A checked plan. Build it with `mocks.faults.parse_plan` or `load_plan`."""

    seed: int = 0
    rules: tuple[Rule, ...] = ()
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""

    def rules_for(self, vendor: str) -> tuple[Rule, ...]:
        """The rules a mock of `vendor` runs: those without a vendor match, and its own."""
        return tuple(r for r in self.rules if r.match.vendor in (None, vendor))

    def settings_for(self, vendor: str) -> dict[str, Any]:
        return dict(self.settings.get(vendor, {}))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": 1, "seed": self.seed}
        if self.description:
            out["description"] = self.description
        if self.settings:
            out["settings"] = {k: dict(v) for k, v in self.settings.items()}
        out["rules"] = [r.to_json() for r in self.rules]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultPlan:
        """Build from a document `validate.plan_problems` found no problem in."""
        rules = []
        for index, raw in enumerate(data.get("rules") or ()):
            effect = build_effect(raw["effect"])
            match_raw = raw.get("match") or {}
            kinds = match_raw.get("kind", ())
            match = Match(
                vendor=match_raw.get("vendor"),
                methods=frozenset(m.upper() for m in match_raw.get("methods", ())),
                path=match_raw.get("path"),
                kinds=frozenset([kinds] if isinstance(kinds, str) else kinds),
            )
            when_raw = raw.get("when") or {}
            when = When(
                rate=when_raw.get("rate"),
                nth=frozenset(when_raw.get("nth", ())),
                first=when_raw.get("first"),
                after=when_raw.get("after"),
                times=when_raw.get("times"),
            )
            name = str(raw.get("name") or f"rule{index}-{effect.TYPE}")
            rules.append(Rule(index, name, effect, match, when))
        settings = {str(k): dict(v) for k, v in (data.get("settings") or {}).items()}
        return cls(
            seed=int(data.get("seed", 0)),
            rules=tuple(rules),
            settings=settings,
            description=str(data.get("description", "")),
        )
