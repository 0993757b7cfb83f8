"""Judging an integration that HubSpot pushes to: webhooks delivered to the URL it asks for.

`harness judge --webhook URL` (`JudgeSettings.webhook`) points the CRM sandbox's app at URL
before the command starts, subscribed to what the judged flows read: `<object>.creation`,
`<object>.deletion` and one `<object>.propertyChange` per source field of their mappings.
The command gets the URL as `HARNESS_WEBHOOK_URL`, listens there, and verifies each
delivery with `HARNESS_HUBSPOT_CLIENT_SECRET` (the v3 signature).

While it runs, a sales rep edits the CRM (`SalesRep`): once the URL accepts connections and
the sandboxes have gone quiet (the integration's first pass is done), `edits` companies are
renamed in HubSpot's screens (the admin API's user edits, `changeSource: CRM_UI`), so only
an integration that reacts to the events carries the new names across. The run is quiet
only once every event is delivered or given up, and the judge adds two checks: every edit
made, and no event left undelivered.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from harness.judge.admin import admin
from harness.judge.usage import JUDGE
from harness.sandbox import Sandbox
from reconcile.model import Check
from sync.errors import ConfigError
from sync.mapping import load_mapping

WEBHOOK_URL_ENV = "HARNESS_WEBHOOK_URL"
POLL_SECONDS = 0.1
RENAMED_SUFFIX = " (renamed)"
NAME_ROOM = 70  # the renamed name stays within every ERP's company name limit (83 at least)
SINGULAR = {"companies": "company", "contacts": "contact", "deals": "deal"}
Quiet = Callable[[], float | None]


@dataclass(frozen=True)
class WebhookPlan:
    """Where to deliver, how many rep edits to make, and how compressed HubSpot's day of
    retries is (`delay_scale` 0.01: the first retry after 0.6 s, the last after 7.2 min)."""

    url: str
    edits: int = 3
    delay_scale: float = 0.01


def check_plan(box: Sandbox, plan: WebhookPlan) -> None:
    """The pair must push webhooks, and the URL must be a loopback http(s) URL."""
    if box.mocks.crm.vendor.name != "hubspot":
        raise ConfigError(
            f"--webhook needs a CRM that pushes webhooks (hubspot), not "
            f"{box.mocks.crm.vendor.name}",
            key="webhook",
        )
    parts = urlsplit(plan.url)
    if parts.scheme not in ("http", "https") or not parts.port:
        raise ConfigError(f"--webhook wants http(s)://127.0.0.1:PORT/path, got {plan.url!r}")


def subscriptions(box: Sandbox, flows: Sequence[str]) -> list[dict[str, Any]]:
    """What the judged flows read from the CRM, as webhook subscriptions."""
    wanted: dict[tuple[str, str | None], None] = {}
    for name in flows:
        flow = box.pair.flow(name)
        if flow.source != "crm":
            continue
        spec = load_mapping(box.config.flow(name).mapping)
        obj = SINGULAR.get(spec.source.object)
        if obj is None:
            continue
        wanted[(f"{obj}.creation", None)] = None
        wanted[(f"{obj}.deletion", None)] = None
        for rule in spec.fields:
            for source in rule.sources:
                wanted[(f"{obj}.propertyChange", source.split(".")[0])] = None
    return [
        {"eventType": kind, **({"propertyName": prop} if prop else {})} for kind, prop in wanted
    ]


def configure(box: Sandbox, plan: WebhookPlan, flows: Sequence[str]) -> list[dict[str, Any]]:
    """Point the CRM's app at the URL with the flows' subscriptions; compress the retries."""
    check_plan(box, plan)
    subs = subscriptions(box, flows)
    admin(box, "crm", "PUT", "/webhooks", json={"targetUrl": plan.url, "subscriptions": subs})
    admin(box, "crm", "PATCH", "/settings", json={"webhook_delay_scale": plan.delay_scale})
    return subs


def status(box: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = admin(box, "crm", "GET", "/webhooks", params={"limit": 1000})
    return found


@dataclass
class SalesRep:
    """A thread renaming companies in the CRM once the integration listens and has settled;
    bounded by `deadline` and ended by `stop`."""

    box: Sandbox
    plan: WebhookPlan
    quiet: Quiet
    settle: float
    seed: int
    deadline: float
    renamed: list[str] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)  # {id, at (wall), eventIds}
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="judge-sales-rep", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        try:
            if self._wait(self._listening) and self._wait(self._settled):
                self._edit()
            elif not self.stop.is_set():
                self.error = "the integration never listened and settled in time"
        except ConfigError as exc:
            self.error = str(exc)
        finally:
            self.done.set()

    def _wait(self, ready: Callable[[], bool]) -> bool:
        while not self.stop.is_set() and time.monotonic() < self.deadline:  # bounded
            if ready():
                return True
            self.stop.wait(POLL_SECONDS)
        return False

    def _listening(self) -> bool:
        parts = urlsplit(self.plan.url)
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), 1):
                return True
        except OSError:
            return False

    def _settled(self) -> bool:
        silence = self.quiet()
        return silence is not None and silence >= self.settle

    def _edit(self) -> None:
        companies = sorted(self.box.stored("crm", "companies"), key=lambda r: r["id"])
        live = [r for r in companies if not r.get("deleted") and r["fields"].get("name")]
        for record in random.Random(self.seed).sample(live, min(self.plan.edits, len(live))):
            name = str(record["fields"]["name"])[:NAME_ROOM].rstrip() + RENAMED_SUFFIX
            body = {"objectType": "companies", "id": record["id"], "properties": {"name": name}}
            at = time.time()  # before: the events may be delivered before the call returns
            made = admin(self.box, "crm", "POST", "/webhooks/edits", json=body)
            self.edits.append({"id": record["id"], "at": at, "eventIds": made["eventIds"]})
            self.renamed.append(record["id"])


def quiet_with_webhooks(box: Sandbox, quiet: Quiet, rep: SalesRep) -> Quiet:
    """Quiet only once the rep has edited and every event is delivered or given up."""

    def probe() -> float | None:
        if not rep.done.is_set():
            return 0.0
        hub = admin(box, "crm", "GET", "/webhooks", params={"limit": 0})
        if hub["pending"]:
            return 0.0
        heard = [q for q in (quiet(), hub["quiet_seconds"]) if q is not None]
        return min(heard) if heard else None

    return probe


def webhook_checks(plan: WebhookPlan, rep: SalesRep, hub: dict[str, Any]) -> list[Check]:
    """Every rep edit made (the integration listened), and no event left undelivered."""
    totals = hub.get("totals", {})
    lost = int(totals.get("events_gave_up", 0)) + int(hub.get("pending", 0))
    made = len(rep.renamed)
    return [
        Check(
            JUDGE,
            f"crm webhook edits made ({plan.edits} asked)",
            made,
            plan.edits,
            made >= plan.edits,
            ">=",
            "count",
        ),
        Check(JUDGE, "crm webhook events not delivered", lost, 0, lost == 0, "<=", "count"),
    ]


def reactions(rep: SalesRep, hub: dict[str, Any]) -> list[dict[str, Any]]:
    """Per rep edit, the seconds until the integration took its events (answered 2xx);
    None when it never did."""
    taken: dict[int, float] = {}
    for attempt in hub.get("attempts", []):
        if attempt["outcome"] == "delivered":
            for event_id in attempt["eventIds"]:
                taken.setdefault(event_id, attempt["at"] + attempt["seconds"])
    found = []
    for edit in rep.edits:
        ends = [taken.get(i) for i in edit["eventIds"]]
        late = None if not ends or None in ends else max(e for e in ends if e is not None)
        seconds = None if late is None else round(max(0.0, late - edit["at"]), 3)
        found.append({"id": edit["id"], "seconds": seconds})
    return found


def summary(rep: SalesRep, hub: dict[str, Any]) -> dict[str, Any]:
    """The webhooks part of the judge's JSON report."""
    attempts = hub.get("attempts", [])
    return {
        "reactions": reactions(rep, hub),
        "target": hub.get("targetUrl"),
        "subscriptions": len(hub.get("subscriptions", [])),
        "renamed": list(rep.renamed),
        "rep_error": rep.error,
        "totals": hub.get("totals", {}),
        "retried_attempts": sum(1 for a in attempts if a["attemptNumber"] > 0),
        "attempts": [
            {k: a[k] for k in ("attemptNumber", "status", "error", "outcome", "eventIds")}
            for a in attempts
        ],
    }


__all__ = [
    "WEBHOOK_URL_ENV",
    "SalesRep",
    "WebhookPlan",
    "configure",
    "quiet_with_webhooks",
    "reactions",
    "status",
    "subscriptions",
    "summary",
    "webhook_checks",
]
