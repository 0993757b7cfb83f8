"""The sync package's exception hierarchy, split by what the caller should do about it.

- `TransientError`: try again later (network, 5xx, 429, lock contention); retried by the HTTP layer.
- `RecordError`: this record cannot be written as it is; quarantine it and carry on.
- `FatalError`: stop the run (bad credentials, bad config, a read-only violation).
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Root of every error raised by `sync`."""


class FatalError(SyncError):
    """The run cannot continue; fix the cause and run again."""


class TransientError(SyncError):
    """A failure that may pass; retry with backoff."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RecordError(SyncError):
    """One record was refused; it belongs in quarantine, the run goes on."""


class ConfigError(FatalError):
    """A config or mapping file is wrong; the message names the file, key and line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        where = ":".join(str(p) for p in (file, line) if p is not None)
        prefix = f"{where}: " if where else ""
        at_key = f"[{key}] " if key else ""
        super().__init__(f"{prefix}{at_key}{message}")
        self.file = file
        self.key = key
        self.line = line


class AuthError(FatalError):
    """The vendor refused the credentials; check the environment variables named in the message."""


class ReadOnlyViolation(FatalError):
    """A write was attempted through a connector opened read-only (reconcile against live)."""


class VendorError(SyncError):
    """A vendor answered with an error that is neither transient nor about one record."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str | None = None, body: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = body


class FatalVendorError(VendorError, FatalError):
    """A vendor error that makes the run pointless (404 on the object, 400 on a query)."""


class TransientVendorError(VendorError, TransientError):
    """A vendor error worth retrying (5xx, 429, UNABLE_TO_LOCK_ROW, concurrency limit)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        VendorError.__init__(self, message, status=status, code=code, body=body)
        self.retry_after = retry_after
