"""The mock battery's sandbox: one registered mock pack's app behind an in-process client,
its admin API, and the same-named connector pack for authenticated traffic.

Nothing here knows a vendor: what the battery cannot guess comes from the pack's
`mocks.conformance.MockKit` (public paths, how the vendor words a refusal and an error,
sample path values) and from the connector pack's `ConformanceKit`s (what a valid record
looks like). Raw authenticated requests are signed by the connector's own auth hook
(`connector.http.auth`, a `sync.connectors.http.AuthHook`).
"""

from __future__ import annotations

import re
import secrets
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from mocks.conformance import MockKit
from mocks.registry import MockPack, PackError, mock_pack
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings
from sync.connectors import ConnectionSettings, Connector, create_connector
from sync.connectors.kit import ConformanceKit
from sync.connectors.registry import connector_pack
from tests.clock import Clock as _Clock

with warnings.catch_warnings():
    # starlette asks for `httpx2`; the project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

BASE_URL = "https://testserver"  # TestClient answers for any host; https for OAuth 1 signing
START = datetime(2024, 1, 15, 10, 0, 0, tzinfo=UTC)


class Clock(_Clock):
    """The shared test clock, starting at this module's `START` unless told otherwise."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


FAST_RETRIES = {"backoff_base": 0.001, "backoff_max": 0.01}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
DEFAULT_PARAM = "battery-0000001"  # a path value no kit names: harmless, matches nothing
UNKNOWN = "battery-unknown-0000001"  # a value no sandbox holds (an object, an id, a version)
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_VERSION = re.compile(r"([vV])(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Answer:
    """A response as a kit's shape checks take it: status, lower-cased headers, body."""

    status: int
    headers: Mapping[str, str]
    body: Any

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        try:
            body: Any = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            body = response.text
        return cls(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                   body)  # fmt: skip

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def brief(self) -> str:
        return f"{self.status} {str(self.body)[:160]}"


@dataclass(frozen=True)
class Route:
    """One vendor route (admin routes left out): its path template and methods."""

    path: str
    methods: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)

    def fill(self, values: Mapping[str, str], **override: str) -> str:
        given = {**values, **override}
        return _PARAM.sub(lambda m: given.get(m.group(1), DEFAULT_PARAM), self.path)


def app_routes(app: FastAPI) -> list[Route]:
    """Every HTTP route of `app` with its full path, included routers flattened."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # a FastAPI that keeps included routes flat in `app.routes`
        contexts: list[Any] = list(app.routes)
    else:
        contexts = list(iter_route_contexts(app.routes))
    routes = []
    for context in contexts:
        path, methods = getattr(context, "path", None), getattr(context, "methods", None)
        if isinstance(path, str) and methods:
            routes.append(Route(path, tuple(sorted(methods))))
    return routes


def odd_paths(path: str) -> list[str]:
    """Paths derived from a real one that no vendor serves as that route: a mangled version
    segment, a doubled or trailing slash, URL-encoded characters, upper-cased segments.
    None may answer 2xx without credentials; several must not route anywhere at all."""
    parts = path.split("/")  # parts[0] == "" (the path starts with "/")
    odd: list[str] = []

    def swap(index: int, segment: str) -> str:
        return "/".join([*parts[:index], segment, *parts[index + 1 :]])

    for i, part in enumerate(parts):
        match = _VERSION.fullmatch(part)
        if match is None:
            continue
        major, minor = match.group(2), match.group(3)
        if minor is None:
            mangled = [f"v{major}.0", f"v{major}x", f"V{major}", f"v0{major}", "v99"]
        else:
            mangled = [f"v{major}", f"v{major}.{minor}x", f"V{major}.{minor}",
                       f"v0{major}.{minor}", f"v99.{minor}", f"v{major}.{minor}.0",
                       f"v{major}%2E{minor}"]  # fmt: skip
        odd += [swap(i, m) for m in mangled]
    named = [i for i, part in enumerate(parts) if part]
    if named:
        first, last = named[0], named[-1]
        odd.append(path.replace("/", "//", 1))
        odd.append(swap(first, parts[first] + "/"))
        odd.append(swap(last, "/" + parts[last]))
        odd.append(path.rstrip("/") if path.endswith("/") else path + "/")
        odd.append(swap(last, _encoded(parts[last])))
        odd.append(swap(first, _encoded(parts[first])))
        if last != first:  # the slash before the last segment, encoded
            joined = f"{parts[last - 1]}%2F{parts[last]}"
            odd.append("/".join([*parts[: last - 1], joined, *parts[last + 1 :]]))
        odd.append(swap(last, parts[last].upper()))
        odd.append(path.upper())
    return sorted({p for p in odd if p != path})


def _encoded(segment: str) -> str:
    """The segment with its first character percent-encoded (`v59.0` -> `%7659.0`)."""
    return f"%{ord(segment[0]):02X}{segment[1:]}" if segment else segment


@dataclass
class Sandbox:
    """One registered mock pack's app, fresh for a test, and what the battery needs of it."""

    name: str
    pack: MockPack
    kit: MockKit
    kits: tuple[ConformanceKit, ...]
    app: FastAPI
    client: TestClient
    clock: Clock
    credentials: dict[str, str]
    admin_token: str
    connectors: list[Connector] = field(default_factory=list)

    # -- admin API ------------------------------------------------------------------------

    def admin(
        self, method: str, path: str, *, token: str | bool | None = True, **kw: Any
    ) -> httpx.Response:
        """`path` under `/__harness`; `token=True` sends the admin token, None none, a
        string that string."""
        headers = dict(kw.pop("headers", {}))
        if token is True:
            headers[TOKEN_HEADER] = self.admin_token
        elif isinstance(token, str):
            headers[TOKEN_HEADER] = token
        return self.client.request(method, f"{ADMIN_PREFIX}{path}", headers=headers, **kw)

    def admin_json(self, method: str, path: str, **kw: Any) -> Any:
        response = self.admin(method, path, **kw)
        assert response.status_code == 200, f"{method} {path}: {response.text}"
        return response.json()

    def world(self, **settings: Any) -> WorldSettings:
        """World settings that seed this pack, whichever side of a pair it plays."""
        return WorldSettings(**{self.pack.role: self.name, **settings})

    def seed(self, world: WorldSettings) -> dict[str, Any]:
        body: dict[str, Any] = self.admin_json("POST", "/seed", json=world.to_json())
        return body

    def last_seq(self) -> int:
        return int(self.admin_json("GET", "/changes", params={"since": 0})["last_seq"])

    def changes(self, since: int) -> list[dict[str, Any]]:
        body = self.admin_json("GET", "/changes", params={"since": since})
        changes: list[dict[str, Any]] = body["changes"]
        return changes

    def snapshot(self, objects: tuple[str, ...] | None = None) -> dict[str, Any]:
        params = {"objects": list(objects)} if objects else None
        body: dict[str, Any] = self.admin_json("GET", "/snapshot", params=params)
        return body

    def live_ids(self, obj: str) -> set[str]:
        rows = self.snapshot((obj,))["objects"].get(obj, [])
        return {row["id"] for row in rows if not row["deleted"]}

    # -- the connector ----------------------------------------------------------------------

    @property
    def writer(self) -> ConformanceKit:
        """The kit whose records the battery writes: the first that needs nothing prepared."""
        return next((k for k in self.kits if k.prepare is None), self.kits[0])

    def settings(self, **changes: Any) -> ConnectionSettings:
        kit = self.writer
        values: dict[str, Any] = {
            "vendor": self.name,
            "base_url": BASE_URL,
            "credentials": dict(self.credentials),
            "page_size": kit.page_size,
            "options": {**self.pack.connector_options, **kit.options, **FAST_RETRIES},
        }
        return ConnectionSettings(**{**values, **changes})

    def connector(self, **changes: Any) -> Connector:
        conn = create_connector(self.settings(**changes), client=self.client)
        self.connectors.append(conn)
        return conn

    def signed(self, conn: Connector, method: str, path: str) -> dict[str, str]:
        """The headers `conn` would send with `method path`: its credentials."""
        auth = getattr(getattr(conn, "http", None), "auth", None)
        if auth is None or not callable(getattr(auth, "headers", None)):
            pytest.fail(
                f"{self.name}: the battery signs raw requests with the connector's auth hook"
                " (`connector.http.auth.headers(method, url)`), which this connector lacks"
            )
        return dict(auth.headers(method, f"{BASE_URL}{path}"))

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Answer:  # fmt: skip
        """`method path` (path as written: odd spellings stay as they are)."""
        kw: dict[str, Any] = {"headers": dict(headers or {})}
        if method in WRITE_METHODS:
            kw["content"] = orjson.dumps(body if body is not None else {})
            kw["headers"]["Content-Type"] = "application/json"
        return Answer.of(self.client.request(method, f"{BASE_URL}{path}", **kw))

    # -- routes ---------------------------------------------------------------------------

    def vendor_routes(self) -> list[Route]:
        """The routes a client must authenticate for: all but the admin API and the kit's
        public paths."""
        public = set(self.kit.public_paths)
        return [r for r in app_routes(self.app)
                if not r.path.startswith(ADMIN_PREFIX + "/") and r.path not in public]  # fmt: skip

    def sample_body(self) -> dict[str, Any]:
        """A valid record of the writer kit: a write that slipped past the gate would land."""
        try:
            return dict(self.writer.record("BATTERY-NOAUTH-1", {}))
        except (KeyError, TypeError, ValueError):
            return {}


def open_sandbox(name: str) -> Iterator[Sandbox]:
    """A fresh sandbox of mock pack `name`, its client open for the test."""
    pack = mock_pack(name)
    kit = pack.conformance_kit()
    if not isinstance(kit, MockKit):
        pytest.fail(
            f"mock pack {name!r} has no conformance kit (`MockPack.conformance` must name a"
            f" mocks.conformance.MockKit, got {kit!r}): joining the registry means joining"
            " the mock battery"
        )
    try:
        kits = tuple(connector_pack(name).conformance_kits())
    except Exception as exc:
        pytest.fail(f"mock pack {name!r}: no connector pack of its name with kits: {exc}")
    if not kits:
        pytest.fail(f"mock pack {name!r}: its connector pack declares no conformance kits")
    clock = Clock()
    credentials = {key: f"battery-{key}-{secrets.token_hex(6)}" for key in pack.credentials}
    admin_token = f"battery-admin-{secrets.token_hex(6)}"
    app = pack.build_app(credentials, admin_token, RecordStore(clock=clock))
    with TestClient(app, raise_server_exceptions=False) as client:
        sandbox = Sandbox(name, pack, kit, kits, app, client, clock, credentials, admin_token)
        try:
            yield sandbox
        finally:
            for conn in sandbox.connectors:
                conn.close()


def page_size_knob(pack: MockPack, size: int) -> dict[str, Any] | None:
    """The settings patch that sets the sandbox's own page size, if the pack offers it."""
    try:
        return pack.settings_for("page_size", size)
    except PackError:
        return None


__all__ = [
    "BASE_URL",
    "DEFAULT_PARAM",
    "UNKNOWN",
    "Answer",
    "Clock",
    "Route",
    "Sandbox",
    "app_routes",
    "odd_paths",
    "open_sandbox",
    "page_size_knob",
]
