"""A local Slack-like webhook receiver for the alert tests (a real HTTP server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Webhook:
    """A local Slack-like receiver: records every JSON body, answers `status`."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
