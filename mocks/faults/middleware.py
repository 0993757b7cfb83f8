"""The fault middleware: pure ASGI, outermost on each vendor app, so it covers auth too.

For every request outside `/__harness/` it asks the runtime which rules fire, logs each
injected fault to the mock's ground truth, then:

1. sums the latency of every firing latency rule: the response starts that long after the
   request arrived (the app's own work is part of the wait, as a vendor's is);
2. refuses the request if NetSuite logins are still to be refused (token expiry);
3. lets the first firing terminal effect answer (error, rate limit, over-window, hang,
   reset, malformed JSON);
4. otherwise wraps the app in the stages of the remaining effects (schema drift in force,
   partial batch, duplicate rule, paging drift, late visibility, truncated JSON).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.admin import ADMIN_PREFIX
from mocks.faults.asgi import send_json
from mocks.faults.dialect import Dialect, Stage
from mocks.faults.effects import (
    answer_terminal,
    answer_window,
    delayed,
    latency_seconds,
    truncated,
    window_headers,
)
from mocks.faults.plan import (
    Latency,
    SchemaDrift,
    TokenExpiry,
    TruncatedJson,
    WindowLimit,
)
from mocks.faults.runtime import Decision, FaultRuntime, Fired

# Logs a fired rule with extra facts; returns the ground-truth entry.
Log = Callable[..., dict[str, Any]]


class FaultMiddleware:
    """Injects the faults of `runtime`'s plan into one vendor app."""

    def __init__(self, app: ASGIApp, runtime: FaultRuntime, dialect: Dialect) -> None:
        self.app = app
        self.runtime = runtime
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"].startswith(ADMIN_PREFIX)
            or not self.runtime.active
        ):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        method, path = scope["method"], scope["path"]
        kind = self.dialect.kind(method, path)
        decision = self.runtime.decide(method, path, kind)
        log = partial(self._log, method=method, path=path, seq=decision.seq)
        delay = 0.0
        for fired in decision.fired:
            effect = fired.rule.effect
            if isinstance(effect, Latency):
                seconds = latency_seconds(effect, fired.draws)
                delay += seconds
                log(fired, ms=round(seconds * 1000, 3))
            elif isinstance(effect, TokenExpiry) and kind != "auth":
                facts = self.dialect.expire_tokens(
                    scope, effect.requests, self.runtime.refuse_logins
                )
                log(fired, **facts)
            elif isinstance(effect, SchemaDrift) and self.runtime.add_drift(effect):
                log(fired, **effect.to_json())
        send = delayed(send, delay, started)
        if kind != "auth" and self.runtime.take_login_failure():
            # The vendor's own refusal of credentials: its 401 error, body and headers.
            body, headers = self.dialect.error(401, None, None)
            self._log_fact("token_expiry", "refused_login", method, path, decision.seq)
            await send_json(send, 401, body, headers)
            return
        windows: dict[int, int] = {}
        if await self._terminal(decision, scope, receive, send, log, windows):
            return
        await self._staged(decision, scope, receive, send, log, windows)

    async def _terminal(
        self,
        decision: Decision,
        scope: Scope,
        receive: Receive,
        send: Send,
        log: Log,
        windows: dict[int, int],
    ) -> bool:
        for fired in decision.fired:
            effect = fired.rule.effect
            if isinstance(effect, WindowLimit):
                over, remaining, left = self.runtime.window(fired.rule, effect)
                if over:
                    log(fired, **await answer_window(send, effect, remaining, left))
                    return True
                windows[fired.rule.index] = remaining
                continue
            if not effect.TERMINAL:
                continue
            # Logged before it acts (a hang is visible while it holds; a reset never returns),
            # then completed with what happened.
            fact = log(fired)
            fact.update(
                await answer_terminal(
                    effect,
                    scope=scope,
                    receive=receive,
                    send=send,
                    dialect=self.dialect,
                    ctx=self.runtime.ctx,
                    rng=fired.draws,
                )
            )
            return True
        return False

    async def _staged(
        self,
        decision: Decision,
        scope: Scope,
        receive: Receive,
        send: Send,
        log: Log,
        windows: dict[int, int],
    ) -> None:
        app: ASGIApp = self.app
        pending: list[tuple[Fired, dict[str, Any]]] = []
        for fired in reversed(decision.fired):
            effect = fired.rule.effect
            facts: dict[str, Any] = {}
            stage: Stage | None = None
            if isinstance(effect, TruncatedJson):
                stage = _truncating(effect, facts)
            elif isinstance(effect, WindowLimit):
                send = _with_headers(send, window_headers(effect, windows[fired.rule.index]))
            elif not isinstance(effect, Latency | TokenExpiry | SchemaDrift):
                stage = self.dialect.stage(effect, self.runtime.ctx, facts, fired.draws)
            if stage is not None:
                app = _wrap(stage, app)
                pending.append((fired, facts))
        if self.runtime.drifts:
            app = _wrap(self.dialect.drift_stage(list(self.runtime.drifts)), app)
        await app(scope, receive, send)
        for fired, facts in pending:
            if facts:  # a stage that found nothing to do leaves no trace
                log(fired, **facts)

    def _log(
        self, fired: Fired, *, method: str, path: str, seq: int, **facts: Any
    ) -> dict[str, Any]:
        return self._log_fact(fired.rule.name, fired.rule.effect.TYPE, method, path, seq, **facts)

    def _log_fact(
        self, rule: str, effect: str, method: str, path: str, seq: int, **facts: Any
    ) -> dict[str, Any]:
        """Append one fault to the ground truth and return the logged entry itself."""
        ctx = self.runtime.ctx
        ctx.record_truth(
            "fault", rule=rule, effect=effect, method=method, path=path, seq=seq, **facts
        )
        # Other requests may log meanwhile: find ours from the end, not just the last one.
        return next(
            f
            for f in reversed(ctx.ground_truth)
            if f.get("kind") == "fault" and f.get("seq") == seq and f.get("rule") == rule
        )


def _wrap(stage: Stage, inner: ASGIApp) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await stage(scope, receive, send, inner)

    return app


def _truncating(effect: TruncatedJson, facts: dict[str, Any]) -> Stage:
    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        facts.update(await truncated(scope, receive, send, inner, effect))

    return stage


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def add(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    return add
