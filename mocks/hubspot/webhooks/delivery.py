"""Delivering webhook events as HubSpot does: POSTed in batches of up to 100 to the app's
target URL, signed (v3, and v1 beside it), each attempt given `webhook_timeout_seconds` (5),
and a failed batch (an answer outside 2xx, a time-out, a refused connection) sent again up
to `webhook_max_retries` (10) times with growing delays, `attemptNumber` counting from 0.

HubSpot spreads its retries over about a day without publishing the delays; the mock's
schedule (`RETRY_DELAYS`, 1 minute to 12 hours, 22.6 hours in all) is its own choice, scaled
by `webhook_delay_scale` so a test can compress a day into milliseconds. A 429 waits at
least the `Retry-After` it carried (scaled too).

`WebhookHub.start()` runs one sender thread for the app's life (the app's lifespan starts
and stops it); its loop wakes at least once a second and ends when `stop()` is called.
`pump()` does the same work in the caller's thread, for tests without a server.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import orjson

from mocks.hubspot.config import HubSpotMockConfig
from mocks.hubspot.webhooks.events import Written, events_for
from mocks.hubspot.webhooks.model import WebhookConfig
from mocks.hubspot.webhooks.signing import signed_headers

RETRY_DELAYS = (60, 120, 300, 600, 1200, 2400, 4800, 9600, 19200, 43200)  # seconds
BATCH_MAX = 100  # events in one POST, as HubSpot sends them
OUTBOX_MAX = 100_000  # events waiting; past it new ones are dropped (and counted)
LOG_MAX = 1000  # attempts kept for the admin API
WAKE_SECONDS = 1.0  # the sender thread's longest sleep: it checks for `stop()` this often
Outcome = Literal["delivered", "retrying", "gave_up"]


@dataclass
class Batch:
    events: list[dict[str, Any]]
    attempt: int = 0  # the `attemptNumber` of its next POST
    due: float = 0.0  # monotonic time it may be sent


@dataclass(frozen=True)
class Attempt:
    """One POST of one batch, as the admin API shows it."""

    at: float  # wall clock when it started
    attempt_number: int
    event_ids: tuple[int, ...]
    status: int | None
    error: str | None
    seconds: float
    outcome: Outcome

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "attemptNumber": self.attempt_number,
            "eventIds": list(self.event_ids),
            "status": self.status,
            "error": self.error,
            "seconds": round(self.seconds, 3),
            "outcome": self.outcome,
        }


class WebhookHub:
    """One app's webhooks: configuration, the outbox and its sender."""

    def __init__(self, config: HubSpotMockConfig, settings: dict[str, Any]) -> None:
        self.mock_config = config
        self.settings = settings  # the app's runtime settings (changed by the admin API)
        self.webhooks = WebhookConfig()
        self._cond = threading.Condition()
        self._fresh: deque[dict[str, Any]] = deque()
        self._retries: list[Batch] = []
        self._in_flight = 0
        self._log: deque[Attempt] = deque(maxlen=LOG_MAX)
        self._totals: Counter[str] = Counter()
        self._next_event = 1
        self._last_activity: float | None = None  # monotonic, end of the last attempt
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- producing ----------------------------------------------------------------------------

    def publish(self, written: list[Written], source: str) -> list[int]:
        """Queue the events these changes send (none without a target URL); their ids."""
        if self.webhooks.target_url is None:
            return []
        base = {
            "portalId": self.mock_config.portal_id,
            "appId": self.mock_config.app_id,
            "attemptNumber": 0,
            "changeSource": source,
            "sourceId": f"{self.mock_config.app_id}" if source != "CRM_UI" else "userId:1",
        }
        events = [e for w in written for e in events_for(w, self.webhooks, base)]
        queued: list[int] = []
        with self._cond:
            for event in events:
                if len(self._fresh) >= OUTBOX_MAX:
                    self._totals["dropped"] += 1
                    continue
                self._fresh.append({"eventId": self._next_event, **event})
                queued.append(self._next_event)
                self._next_event += 1
                self._totals["events"] += 1
            self._cond.notify_all()
        return queued

    # -- sending ------------------------------------------------------------------------------

    def _take(self, now: float, ignore_delays: bool) -> Batch | None:
        """The next batch to send: a retry that is due, else up to 100 fresh events."""
        with self._cond:
            due = [b for b in self._retries if ignore_delays or b.due <= now]
            if due:
                batch = min(due, key=lambda b: b.due)
                self._retries.remove(batch)
            elif self._fresh:
                count = min(BATCH_MAX, len(self._fresh))
                batch = Batch([self._fresh.popleft() for _ in range(count)])
            else:
                return None
            self._in_flight += len(batch.events)
            return batch

    def pump(self, *, ignore_delays: bool = False, limit: int = 10_000) -> int:
        """Send what is due (every retry at once with `ignore_delays`), in this thread; the
        number of POSTs made. Bounded by `limit`."""
        sent = 0
        while sent < limit:
            batch = self._take(time.monotonic(), ignore_delays)
            if batch is None:
                break
            self._send(batch)
            sent += 1
        return sent

    def _send(self, batch: Batch) -> None:
        target = self.webhooks.target_url
        started, wall = time.monotonic(), time.time()
        status, error, wait = None, None, 0.0
        if target is None:
            error = "no target URL"
        else:
            status, error, wait = self._post(target, batch)
        ok = status is not None and 200 <= status < 300
        retry = not ok and batch.attempt < int(self.settings.get("webhook_max_retries", 10))
        outcome: Outcome = "delivered" if ok else "retrying" if retry else "gave_up"
        ids = tuple(int(e["eventId"]) for e in batch.events)
        attempt = Attempt(
            wall, batch.attempt, ids, status, error, time.monotonic() - started, outcome
        )
        with self._cond:
            self._in_flight -= len(batch.events)
            self._log.append(attempt)
            self._totals[f"attempts_{outcome}"] += 1
            if outcome != "retrying":
                self._totals[f"events_{outcome}"] += len(batch.events)
            else:
                self._retries.append(self._again(batch, wait))
            self._last_activity = time.monotonic()
            self._cond.notify_all()

    def _again(self, batch: Batch, asked: float) -> Batch:
        scale = float(self.settings.get("webhook_delay_scale", 1.0))
        delay = RETRY_DELAYS[min(batch.attempt, len(RETRY_DELAYS) - 1)]
        return Batch(batch.events, batch.attempt + 1, time.monotonic() + max(delay, asked) * scale)

    def _post(self, target: str, batch: Batch) -> tuple[int | None, str | None, float]:
        """One signed POST: (status, error, Retry-After seconds asked)."""
        body = orjson.dumps([{**e, "attemptNumber": batch.attempt} for e in batch.events])
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) (harness sandbox)",
            **signed_headers(self.mock_config.client_secret, "POST", target, body),
        }
        timeout = float(self.settings.get("webhook_timeout_seconds", 5.0))
        try:
            # Loopback only (`check_target`); a team's local receiver often has a throwaway
            # certificate, so an https target is not verified.
            with httpx.Client(timeout=timeout, verify=False, trust_env=False) as client:
                response = client.post(target, content=body, headers=headers)
        except httpx.TimeoutException:
            return None, f"timed out after {timeout:g} s", 0.0
        except httpx.HTTPError as exc:
            return None, f"connection failed: {type(exc).__name__}", 0.0
        asked = response.headers.get("Retry-After", "") if response.status_code == 429 else ""
        wait = float(asked) if asked.replace(".", "", 1).isdigit() else 0.0
        return response.status_code, None, wait

    # -- the sender thread --------------------------------------------------------------------

    def start(self) -> None:
        """Run the sender thread (once); `stop()` ends it."""
        with self._cond:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="hubspot-webhooks", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while True:  # bounded: `stop()` ends it, and every wait is at most WAKE_SECONDS
            with self._cond:
                if self._stopping:
                    return
                wait = self._idle_seconds(time.monotonic())
                if wait > 0:
                    self._cond.wait(wait)
                    continue
            self.pump(limit=BATCH_MAX)

    def _idle_seconds(self, now: float) -> float:
        """How long until something is due (0: now); called holding the lock."""
        if self._fresh:
            return 0.0
        if not self._retries:
            return WAKE_SECONDS
        return max(0.0, min(WAKE_SECONDS, min(b.due for b in self._retries) - now))

    # -- reading ------------------------------------------------------------------------------

    def pending(self) -> int:
        """Events not yet delivered or given up (waiting, in flight, or awaiting a retry)."""
        with self._cond:
            return len(self._fresh) + self._in_flight + sum(len(b.events) for b in self._retries)

    def drain(self, timeout: float) -> bool:
        """Wait until nothing is pending (the sender thread must run); False at `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.pending() > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, WAKE_SECONDS))
        return True

    def status(self, limit: int = 100) -> dict[str, Any]:
        with self._cond:
            log = list(self._log)[-limit:] if limit else []
            quiet = None if self._last_activity is None else time.monotonic() - self._last_activity
            totals = dict(self._totals)
        return {
            "appId": self.mock_config.app_id,
            "targetUrl": self.webhooks.target_url,
            "subscriptions": [s.to_json() for s in self.webhooks.subscriptions.values()],
            "pending": self.pending(),
            "quiet_seconds": quiet,
            "totals": totals,
            "attempts": [a.to_json() for a in log],
        }


__all__ = ["BATCH_MAX", "RETRY_DELAYS", "Attempt", "WebhookHub"]
