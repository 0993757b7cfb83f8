"""What the fault middleware needs to know about one vendor, and the registry of vendors.

A dialect sorts a request into an operation kind, renders the vendor's error bodies, and
carries the vendor-specific effects (token expiry, schema drift on the wire, partial
batches, duplicate rules, paging drift, late visibility). Each mock pack keeps its dialect
in its own `faults` module and hands it to `install_faults`.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.plan import Effect, RateLimit, SchemaDrift

Body = dict[str, Any] | list[Any]
Headers = list[tuple[bytes, bytes]]


class Stage(Protocol):
    """An effect wrapped around the rest of the request's handling."""

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, inner: ASGIApp
    ) -> None: ...


class Dialect(Protocol):
    vendor: str
    # effect types this vendor can inject; rules with others are ignored on this vendor
    supported: frozenset[str]

    def kind(self, method: str, path: str) -> str:
        """One of `plan.KINDS` (never "any") for a request."""
        ...

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        """The vendor's error body for `status`; code and message default per status."""
        ...

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        """A throttling answer in the effect's style."""
        ...

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        """Invalidate issued credentials; returns facts for the ground truth."""
        ...

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        """A wrapper for a vendor-specific effect, or None when it does not apply here.

        The stage adds what it actually did to `facts` (logged as ground truth after)."""
        ...

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        """Rewrites requests and responses so the drifts in force show on the wire."""
        ...
