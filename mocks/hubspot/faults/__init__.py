"""The HubSpot dialect of the fault middleware: operation kinds, HubSpot error bodies, 429s
in its rate-limit shape, OAuth token expiry, and the staged traps (partial batches, duplicate
emails, late search visibility, property drift)."""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.types import Scope

from mocks.context import MockContext
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.plan import (
    DuplicateRule,
    Effect,
    LateVisibility,
    PartialBatch,
    RateLimit,
    SchemaDrift,
)
from mocks.hubspot.errors import error_body
from mocks.hubspot.faults.batch import duplicate_stage, partial_batch_stage
from mocks.hubspot.faults.drift import HubSpotDrift
from mocks.hubspot.faults.visibility import late_stage
from mocks.hubspot.limits import limit_body

_LIST = re.compile(r"^/crm/v3/objects/[^/]+/?$")
_SEARCH = re.compile(r"^/crm/v3/objects/[^/]+/search/?$")
_READS = re.compile(r"^/crm/v[34]/(objects/[^/]+/batch|associations/[^/]+/[^/]+/batch)/read/?$")


class HubSpotDialect:
    vendor = "hubspot"
    supported = frozenset(
        {
            "latency",
            "error",
            "rate_limit",
            "window_limit",
            "hang",
            "reset",
            "malformed_json",
            "truncated_json",
            "partial_batch",
            "token_expiry",
            "schema_drift",
            "late_visibility",
            "duplicate_rule",
        }
    )

    def kind(self, method: str, path: str) -> str:
        if path.startswith("/oauth/"):
            return "auth"
        if path.startswith("/crm/v3/properties/"):
            return "describe" if method == "GET" else "write"
        if not path.startswith("/crm/"):
            return "other"
        if _SEARCH.match(path) or (method == "GET" and _LIST.match(path)):
            return "query"
        if method == "GET" or _READS.match(path):
            return "read"
        return "write"

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        if status == 429:
            return limit_body("TEN_SECONDLY_ROLLING"), []
        return error_body(status, message, code), []

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        policy = "DAILY" if effect.style == "daily" else "TEN_SECONDLY_ROLLING"
        return 429, limit_body(policy), [(b"retry-after", str(retry_after).encode())]

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        """Expire every OAuth token issued; a client on the private-app token (which never
        expires) instead gets its next `requests` requests refused."""
        revoked = scope["app"].state.hubspot_tokens.revoke_all()
        if revoked:
            return {"revoked_tokens": revoked}
        refuse(requests)
        return {"refused_requests": requests}

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        if isinstance(effect, PartialBatch):
            return partial_batch_stage(effect, rng, facts)
        if isinstance(effect, DuplicateRule):
            return duplicate_stage(effect, facts)
        if isinstance(effect, LateVisibility):
            return late_stage(effect, facts)
        return None

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        return HubSpotDrift(drifts)


DIALECT = HubSpotDialect()

__all__ = ["DIALECT", "HubSpotDialect"]
