"""A full-business world is a pure function of its settings: same seed, same bytes, any day."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

from mocks.world.generator import WorldSettings, generate_world

SETTINGS = WorldSettings(
    seed=21, accounts=150, dirty=0.3, as_of=datetime(2026, 1, 1, tzinfo=UTC), full_business=True
)
# Runs the generator with the clock (datetime, date, time) moved 1,000 days on.
_SHIFTED_CLOCK = """
import datetime as dt, hashlib, time
Real, DAYS, real_time = dt.datetime, dt.timedelta(days=1000), time.time
class Later(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return Real.now(tz) + DAYS
    @classmethod
    def utcnow(cls):
        return Real.utcnow() + DAYS
    @classmethod
    def today(cls):
        return Real.today() + DAYS
class LaterDate(dt.date):
    @classmethod
    def today(cls):
        return (Real.now() + DAYS).date()
dt.datetime, dt.date = Later, LaterDate
time.time = lambda: real_time() + DAYS.total_seconds()
from mocks.world.generator import WorldSettings, generate_world
as_of = Real(2026, 1, 1, tzinfo=dt.UTC)
world = generate_world(
    WorldSettings(seed=21, accounts=150, dirty=0.3, as_of=as_of, full_business=True)
)
print(dt.date.today(), hashlib.sha256(world.to_json()).hexdigest())
"""


def _digest(settings: WorldSettings) -> str:
    return hashlib.sha256(generate_world(settings).to_json()).hexdigest()


def test_same_seed_gives_byte_identical_json_of_the_whole_world() -> None:
    first = generate_world(SETTINGS).to_json()
    assert first == generate_world(SETTINGS).to_json()
    assert b'"orders":[' in first and b'"payments":[' in first
    assert _digest(replace(SETTINGS, seed=22)) != hashlib.sha256(first).hexdigest()


def test_the_same_world_comes_out_on_another_day() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SHIFTED_CLOCK], capture_output=True, text=True, check=True
    ).stdout.split()
    today = datetime.now(UTC).date()
    assert out[0] != today.isoformat(), "the clock was not moved"
    assert out[1] == _digest(SETTINGS)


def test_a_later_as_of_moves_every_date_with_it() -> None:
    later = replace(SETTINGS, as_of=datetime(2027, 7, 1, tzinfo=UTC))
    a, b = generate_world(SETTINGS).business, generate_world(later).business
    assert a is not None and b is not None
    assert [o.key for o in a.orders] == [o.key for o in b.orders]
    shift = (later.as_of - SETTINGS.as_of).total_seconds()  # in UTC: wall clocks keep DST
    assert all(
        y.ordered_at.timestamp() - x.ordered_at.timestamp() == shift
        for x, y in zip(a.orders, b.orders, strict=True)
    )


def test_the_flag_and_a_later_ensure_business_give_the_same_records() -> None:
    flagged = generate_world(SETTINGS)
    late = generate_world(replace(SETTINGS, full_business=False))
    assert late.companies == flagged.companies
    assert late.defects == [d for d in flagged.defects if d["entity"] == "company"]
    assert late.ensure_business() == flagged.business
    assert late.defects == flagged.defects


def test_the_business_does_not_change_the_companies_or_their_defects() -> None:
    plain = generate_world(replace(SETTINGS, full_business=False))
    full = generate_world(SETTINGS)
    assert plain.companies == full.companies
    assert plain.defects == full.defects[: len(plain.defects)]
