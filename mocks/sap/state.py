"""What one SAP mock app holds beside the shared `MockContext`: its configuration, issued
tokens and sessions, and the lock that makes each write (and each change set) atomic."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mocks.context import MockContext
from mocks.sap.auth import AuthState
from mocks.sap.config import SapMockConfig
from mocks.sap.odata.model import EntityType, Prop


@dataclass
class SapState:
    config: SapMockConfig
    ctx: MockContext
    auth: AuthState
    write_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def settings(self) -> dict[str, Any]:
        return self.ctx.settings

    def advertised_length(self, etype: EntityType, prop: Prop) -> int | None:
        """The MaxLength `$metadata` shows: the one in force, unless limits are hidden."""
        if not self.settings.get("advertise_max_lengths", True):
            return None
        override = self.settings.get("max_lengths", {}).get(f"{etype.set_name}.{prop.name}")
        return int(override) if override is not None else prop.max_length


__all__ = ["SapState"]
