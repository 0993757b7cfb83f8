"""What the business does on each simulated day, decided before anything runs.

A day's churn is a pure function of the soak's seed, the day and the size of the business:
new customers, edits in the CRM, edits of the ERP's own fields, edits of orders and a few
deletes (a record keyed in by mistake and removed before any sync saw it), spread in waves
over the working day. The last day of a month brings the month-end burst: three times the
new business and the finance edits, as when sales close the month and finance books it.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

__all__ = ["ChurnEvent", "ChurnKind", "ChurnRates", "DayPlan", "is_month_end", "plan_day"]

ChurnKind = Literal["new_customers", "crm_edits", "erp_edits", "order_edits", "deletes"]
KINDS: tuple[ChurnKind, ...] = ("new_customers", "crm_edits", "erp_edits", "order_edits", "deletes")
WAVES = 3  # bursts of activity per kind and day
WORK_START, WORK_END = 8, 18  # the working day, in simulated hours (UTC)
MONTH_END_FACTOR = 3


@dataclass(frozen=True)
class ChurnRates:
    """Changes a day per 1,000 accounts: at least one of each a day however small the
    business, except deletes (a small business may go a day without a mistake)."""

    new_customers: float = 5.0
    crm_edits: float = 10.0
    erp_edits: float = 5.0
    order_edits: float = 5.0
    deletes: float = 1.0

    def count(self, kind: ChurnKind, accounts: int, month_end: bool) -> int:
        wanted = round(getattr(self, kind) * accounts / 1000)
        base = wanted if kind == "deletes" else max(1, wanted)
        burst = kind in ("new_customers", "erp_edits", "order_edits") and month_end
        return base * MONTH_END_FACTOR if burst else base


@dataclass(frozen=True)
class ChurnEvent:
    """`count` changes of one kind, made at simulated time `at`."""

    at: datetime
    kind: ChurnKind
    count: int


@dataclass(frozen=True)
class DayPlan:
    day: int  # 1-based
    start: datetime  # midnight UTC of the simulated day
    month_end: bool
    events: tuple[ChurnEvent, ...]  # in time order

    @property
    def date(self) -> date:
        return self.start.date()

    def total(self, kind: ChurnKind) -> int:
        return sum(e.count for e in self.events if e.kind == kind)


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def plan_day(
    day: int, start: datetime, accounts: int, seed: int, rates: ChurnRates | None = None
) -> DayPlan:
    """The churn of simulated day `day` (starting at `start`), the same for the same seed."""
    rng = random.Random(f"{seed}:{day}")
    rates = rates or ChurnRates()
    month_end = is_month_end(start.date())
    events: list[ChurnEvent] = []
    for kind in KINDS:
        total = rates.count(kind, accounts, month_end)
        if kind == "deletes":
            continue  # placed after the new customers they remove
        for share, at in zip(_split(total, rng), _times(start, rng), strict=True):
            if share:
                events.append(ChurnEvent(at, kind, share))
    events += _deletes(events, rates.count("deletes", accounts, month_end), rng)
    events.sort(key=lambda e: (e.at, e.kind))
    return DayPlan(day, start, month_end, tuple(events))


def _split(total: int, rng: random.Random) -> list[int]:
    """`total` shared among the waves at random (some waves may be empty)."""
    shares = [0] * WAVES
    for _ in range(total):
        shares[rng.randrange(WAVES)] += 1
    return shares


def _times(start: datetime, rng: random.Random) -> list[datetime]:
    """One time per wave inside the working day, in order, to the second."""
    span = (WORK_END - WORK_START) * 3600
    offsets = sorted(rng.randrange(span) for _ in range(WAVES))
    return [start + timedelta(hours=WORK_START, seconds=s) for s in offsets]


def _deletes(events: list[ChurnEvent], total: int, rng: random.Random) -> list[ChurnEvent]:
    """Deletes follow a wave of new customers within minutes: the mistaken record goes
    before a sync carries it (a delete the mapping ignores would otherwise stay in the ERP)."""
    waves = [e for e in events if e.kind == "new_customers"]
    out: list[ChurnEvent] = []
    for _ in range(total):
        if not waves:
            break
        wave = rng.choice(waves)
        out.append(ChurnEvent(wave.at + timedelta(minutes=rng.randint(2, 9)), "deletes", 1))
    return out
