"""What the integration cost each vendor: API calls and error answers, charged to whoever
made them.

The soak runs in one process with the mocks, so it reads each mock's request journal
(`app.state.journal`, the one `harness judge` reads over HTTP) before and after each piece
of work: flows run one after another, so the difference is that flow's. Churn made by the
business's users is metered apart: a vendor's daily allowance is the integration's budget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from harness.sandbox.mocks import MockPair, RunningMock

__all__ = ["Meter", "Usage"]

CHURN = "(business users)"  # who the churn's calls are charged to


@dataclass
class Usage:
    """Calls and error answers (429 and 5xx) one consumer drew from each vendor."""

    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, vendor: str, calls: int, errors: int) -> None:
        self.calls[vendor] += calls
        self.errors[vendor] += errors

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())


class Meter:
    """Charges journal deltas to named consumers (a flow, `reconcile`, `profile`, churn);
    `take()` hands the day's usage over and starts a new day."""

    def __init__(self, mocks: MockPair) -> None:
        self._mocks: tuple[RunningMock, ...] = (mocks.crm, mocks.erp)
        self._usage: dict[str, Usage] = {}

    @contextmanager
    def charge(self, consumer: str) -> Iterator[None]:
        before = self._read()
        try:
            yield
        finally:
            after = self._read()
            usage = self._usage.setdefault(consumer, Usage())
            for vendor, (calls, errors) in after.items():
                was_calls, was_errors = before[vendor]
                usage.add(vendor, calls - was_calls, errors - was_errors)

    def take(self) -> dict[str, Usage]:
        usage, self._usage = self._usage, {}
        return usage

    def _read(self) -> dict[str, tuple[int, int]]:
        out = {}
        for mock in self._mocks:
            totals = mock.app.state.journal.totals()
            statuses: Mapping[str, int] = totals["by_status"]
            errors = sum(n for status, n in statuses.items() if _is_error(int(status)))
            out[mock.vendor.name] = (int(totals["requests"]), errors)
        return out


def _is_error(status: int) -> bool:
    """An answer that refused the work for the vendor's own reasons: throttled or failing."""
    return status == 429 or status >= 500
