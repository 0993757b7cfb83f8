"""SAP's `sap-message` header: the messages a successful request carries: pure.

SAP Gateway answers a write that succeeded with warnings (a credit check, a field it
defaulted, a partner it could not determine) with a 2xx and a `sap-message` header: JSON with
`code`, `message`, `severity` (success, info, warning, error), `target` and `details`, a list
of messages of the same shape. The write stands, so the record is no failure; but someone
should read the warning. A header that is not such JSON is kept as its raw text: a malformed
header never fails a write that SAP applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["HEADER", "SapMessage", "parse_sap_message"]

HEADER = "sap-message"
_WARNING = frozenset({"warning", "error", "abort"})  # what a reader must see
_MAX_DETAILS = 50  # bounded: a header is a few KB at most, a loop over it stays small


@dataclass(frozen=True)
class SapMessage:
    """One `sap-message`: the main message, its details, and the header as SAP sent it."""

    code: str
    message: str
    severity: str
    target: str = ""
    details: tuple[SapMessage, ...] = ()
    raw: str = ""
    malformed: bool = False

    @property
    def warns(self) -> bool:
        """Whether this message or a detail is a warning (or worse), or it could not be read."""
        return self.malformed or self.severity in _WARNING or any(d.warns for d in self.details)

    def describe(self) -> str:
        """One line for a log or a result: each message's severity, code, text and target."""
        if self.malformed:
            return f"unreadable sap-message: {self.raw}"
        return "; ".join(m._line() for m in (self, *self.details) if m.message or m.code)

    def _line(self) -> str:
        where = f" [{self.target}]" if self.target else ""
        code = f" {self.code}" if self.code else ""
        return f"{self.severity or 'info'}{code}: {self.message}{where}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _message(body: Mapping[str, Any], depth: int = 0) -> SapMessage:
    details = body.get("details") if depth == 0 else None
    nested = tuple(
        _message(d, depth + 1)
        for d in (details if isinstance(details, list) else [])[:_MAX_DETAILS]
        if isinstance(d, Mapping)
    )
    message = body.get("message")
    if isinstance(message, Mapping):  # some releases nest it as {"value": ...}
        message = message.get("value")
    return SapMessage(
        code=_text(body.get("code")),
        message=_text(message),
        severity=_text(body.get("severity")).lower(),
        target=_text(body.get("target")),
        details=nested,
    )


def parse_sap_message(raw: str | None) -> SapMessage | None:
    """The header's message; None without a header; the raw text when it is not JSON of
    SAP's shape (never an exception)."""
    if raw is None or not raw.strip():
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, Mapping):
        return SapMessage("", "", "", raw=raw, malformed=True)
    found = _message(body)
    return SapMessage(found.code, found.message, found.severity, found.target, found.details, raw)
