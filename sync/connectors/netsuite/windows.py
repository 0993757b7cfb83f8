"""Time windows for keyset reads of more records than one SuiteQL query may match.

NetSuite serves at most 100,000 results of a query; a keyset read's first pages match every
record still ahead of them, so a record type holding more is refused (400) before a single
page is read. The reader then asks for the range of stamps and the count still ahead (one
aggregate query), and reads the rest in windows of `lastmodifieddate < upper`, each sized to
hold about 80% of the cap at the average density and halved while the account still refuses
it. Windows follow one another in (lastmodifieddate, id) order, so the pages come out exactly
as one unbounded keyset read would give them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.connectors.netsuite import dialect
from sync.errors import FatalVendorError

RESULT_CAP = 100_000  # results one SuiteQL query may match
FILL = 0.8  # a window's share of the cap, at the average density of the stamps ahead
TO_CHAR = 'YYYY-MM-DD"T"HH24:MI:SS'


_TOO_MANY = (
    re.compile(r"\b(rows|results)\b.*\b(more than|exceed\w*|maximum)\b"),
    re.compile(r"\b(more than|exceed\w*|maximum)\b.*\b(rows|results)\b"),
)


def refused_for_size(exc: FatalVendorError) -> bool:
    """Whether a 400 says the query matches more results than SuiteQL serves."""
    text = str(exc).lower()
    return exc.status == 400 and any(p.search(text) for p in _TOO_MANY)


@dataclass
class Windows:
    """The windows of one read: the current `upper` bound (exclusive; None: open), their span,
    and the last stamp the read must reach."""

    upper: datetime | None = None
    span: timedelta | None = None
    last: datetime | None = None
    first: datetime | None = None  # the earliest stamp ahead when the windows began
    cap: int = RESULT_CAP

    def narrow(self, stats: Callable[[], dict[str, Any]], start: datetime | None) -> None:
        """A window after a refusal: sized from the stamps ahead the first time, halved after."""
        if self.span is None:
            found = stats()
            count = int(found.get("n") or 0)
            low, high = (dialect.parse_datetime(str(found[k])) for k in ("lo", "hi"))
            self.first, self.last = low, high
            per_record = (high - low) / max(count, 1)
            self.span = max(timedelta(seconds=1), per_record * self.cap * FILL)
        else:
            self.span = self.span / 2
        if self.span < timedelta(seconds=1):
            raise FatalVendorError(
                "more than 100,000 NetSuite records share one second of lastmodifieddate; a"
                " keyset read cannot split them"
            )
        start = start or self.first
        assert start is not None
        self.upper = _whole_second(start) + self.span

    def advance(self) -> bool:
        """Move to the next window once one is read; False when the read is done."""
        if self.upper is None:
            return False
        if self.last is not None and self.upper > self.last:
            self.upper = None  # the last window: open-ended, so a record written meanwhile counts
        else:
            assert self.span is not None
            self.upper = self.upper + self.span
        return True

    def condition(self) -> list[str]:
        if self.upper is None:
            return []
        return [f"lastmodifieddate < {dialect.suiteql_timestamp(self.upper)}"]


def stats_query(table: str, conditions: list[str]) -> str:
    """The count and the range of stamps of the records `conditions` select."""
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return (f"SELECT COUNT(*) AS n, TO_CHAR(MIN(lastmodifieddate), '{TO_CHAR}') AS lo,"
            f" TO_CHAR(MAX(lastmodifieddate), '{TO_CHAR}') AS hi FROM {table}{where}")  # fmt: skip


def _whole_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


__all__ = ["RESULT_CAP", "Windows", "refused_for_size", "stats_query"]
