"""Fixtures for the connector tests: in-process mock apps, a settable clock, transport faults.

The conformance battery's kits come from the registries, nothing is listed here: for every
vendor in `known_vendors()`, each of `connector_pack(vendor).conformance_kits()` runs against
`mock_pack(vendor)`'s app, built with generated credentials on a store that keeps the
battery's clock. The vendors are read when the tests are collected (`pytest_generate_tests`),
so a pack registered in code before then joins the battery like a built-in one. A vendor
without kits, or without a mock pack of its name, fails
`test_every_registered_connector_has_a_kit_and_a_sandbox`.
"""

from __future__ import annotations

import secrets
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from mocks.registry import mock_pack
from mocks.store import RecordStore
from sync.connectors import ConnectionSettings, Connector, create_connector, known_vendors
from sync.connectors.kit import ConformanceKit
from sync.connectors.registry import connector_pack
from tests.clock import Clock as _Clock

with warnings.catch_warnings():
    # starlette asks for `httpx2`; the project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

START = datetime(2024, 1, 15, 10, 0, 0, tzinfo=UTC)


class Clock(_Clock):
    """The shared test clock, starting at this module's `START` unless told otherwise."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


FAST_RETRIES = {"backoff_base": 0.001, "backoff_max": 0.01}
BASE_URL = "https://testserver"  # TestClient answers for any host; this is its own
ADMIN_TOKEN = "harness-admin"


Fault = int | tuple[int, dict[str, str]] | str


class FaultyTransport(httpx.BaseTransport):
    """Fails the first requests as told (a status, a status with headers, or "reset" /
    "timeout"), then delegates to the real transport. A test tool, not a mock of our code."""

    def __init__(self, inner: httpx.BaseTransport, faults: list[Fault]) -> None:
        self.inner = inner
        self.faults = list(faults)
        self.injected = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            fault = self.faults.pop(0) if self.faults else None
            if fault is not None:
                self.injected += 1
        if fault is None:
            return self.inner.handle_request(request)
        if fault == "reset":
            raise httpx.RemoteProtocolError(
                "Server disconnected without a response", request=request
            )
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        status, headers = fault if isinstance(fault, tuple) else (fault, {})
        assert isinstance(status, int)
        return httpx.Response(status, headers=headers, json={"injected": status}, request=request)


@dataclass
class Kit:
    """One kit of one vendor as the conformance battery sees it: the pack's
    `ConformanceKit` with its record makers bound to the ids its `prepare` made, and the
    sandbox (app, clock, client) it runs against."""

    vendor: str
    obj: str
    ext_field: str
    name_field: str  # a text field the tests change
    app: FastAPI
    clock: Clock
    client: TestClient
    settings: ConnectionSettings
    record: Callable[[str], dict[str, Any]]
    too_long: Callable[[str], dict[str, Any]]
    missing_required: Callable[[str], dict[str, Any]]
    too_long_codes: frozenset[str]
    missing_codes: frozenset[str]
    reports_created: bool
    required_field: str
    length_field: str
    length: int
    bad_credentials: Mapping[str, str]
    group_size: int  # records per timestamp in paging tests: 3 groups span several pages
    transports: list[FaultyTransport] = field(default_factory=list)
    name: str = ""  # the pack's kit name: "<vendor>" or "<vendor>-<object>"
    prepared: Mapping[str, str] = field(default_factory=dict)  # what `prepare` returned

    def connector(self, **changes: Any) -> Connector:
        options = {**self.settings.options, **changes.pop("options", {})}
        settings = replace(self.settings, options=options, **changes)
        return create_connector(settings, client=self.client)

    def inject(self, *faults: Fault) -> FaultyTransport:
        """Make the next requests of this kit's client fail as given."""
        transport = FaultyTransport(self.client._transport, list(faults))
        self.client._transport = transport
        return transport


# -- the registry, read at collection ------------------------------------------------------


@dataclass(frozen=True)
class VendorCheck:
    """What the registries hold for one vendor: its kits, or why it has none to run."""

    vendor: str
    kits: tuple[ConformanceKit, ...] = ()
    problems: tuple[str, ...] = ()


def check_vendor(vendor: str) -> VendorCheck:
    """The vendor's conformance kits and a sandbox to run them on, or the problems found."""
    problems: list[str] = []
    kits: tuple[ConformanceKit, ...] = ()
    try:
        pack = connector_pack(vendor)
        kits = tuple(pack.conformance_kits())
    except Exception as exc:  # a broken pack must name itself, not stop the collection
        return VendorCheck(vendor, (), (f"its conformance kits do not load: {exc}",))
    if not kits:
        problems.append(
            "its connector pack declares no conformance kits (`ConnectorPack.kits`), and"
            " joining the registry means joining the conformance battery"
        )
    wrong = [k for k in kits if not isinstance(k, ConformanceKit) or k.vendor != vendor]
    if wrong:
        named = [f"{k.name} (vendor {k.vendor!r})" if isinstance(k, ConformanceKit)
                 else type(k).__name__ for k in wrong]  # fmt: skip
        problems.append(f"kits that are not ConformanceKits of vendor {vendor!r}: {named}")
    names = [k.name for k in kits if isinstance(k, ConformanceKit)]
    if len(names) != len(set(names)):
        problems.append(f"kits share a name: {sorted(names)}")
    try:
        mock = mock_pack(vendor)
    except Exception as exc:
        problems.append(f"no mock pack of the same name to run its kits against: {exc}")
    else:
        if mock.role != pack.role:
            problems.append(f"its mock pack is a {mock.role}, its connector pack a {pack.role}")
    return VendorCheck(vendor, kits, tuple(problems))


def registered_kits() -> dict[str, tuple[str, ConformanceKit]]:
    """Every registered vendor's kits by kit name: `{name: (vendor, kit)}`."""
    found: dict[str, tuple[str, ConformanceKit]] = {}
    for vendor in known_vendors():
        for kit in check_vendor(vendor).kits:
            if isinstance(kit, ConformanceKit) and kit.vendor == vendor:
                found.setdefault(kit.name, (vendor, kit))
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize over what is registered now, at collection: the `kit` fixture over every
    kit of every vendor, `registered_vendor` over the vendors."""
    if "kit" in metafunc.fixturenames:
        names = sorted(registered_kits())
        metafunc.parametrize("kit", names, ids=names, indirect=True)
    if "registered_vendor" in metafunc.fixturenames:
        vendors = list(known_vendors())
        metafunc.parametrize("registered_vendor", vendors, ids=vendors)


# -- building a kit ---------------------------------------------------------------------------


def generated_credentials(vendor: str) -> dict[str, str]:
    """A fresh value for each credential the vendor's mock pack issues."""
    return {key: f"battery-{vendor}-{key}-{secrets.token_hex(6)}"
            for key in mock_pack(vendor).credentials}  # fmt: skip


def _bind(maker: Callable[[str, Mapping[str, str]], dict[str, Any]],
          ids: Mapping[str, str]) -> Callable[[str], dict[str, Any]]:  # fmt: skip
    return lambda key: maker(key, ids)


def build_kit(name: str, credentials: Mapping[str, str] | None = None) -> Iterator[Kit]:
    """The kit called `name` on a fresh sandbox of its vendor's mock pack, `prepare` run.

    `credentials` default to generated ones; tests of one vendor that pin its stock
    credentials (a signature computed by hand) pass those."""
    kits = registered_kits()
    if name not in kits:
        pytest.fail(f"no registered conformance kit is called {name!r}; known: {sorted(kits)}")
    vendor, pack_kit = kits[name]
    try:
        mock = mock_pack(vendor)
    except Exception as exc:
        pytest.fail(f"{vendor}: no mock pack to run kit {name!r} against: {exc}")
    clock = Clock()
    given = dict(credentials) if credentials is not None else generated_credentials(vendor)
    app = mock.build_app(given, ADMIN_TOKEN, RecordStore(clock=clock))
    settings = ConnectionSettings(
        vendor=vendor,
        base_url=BASE_URL,
        credentials=given,
        page_size=pack_kit.page_size,
        options={**mock.connector_options, **pack_kit.options, **FAST_RETRIES},
    )
    with TestClient(app) as client:
        ids: Mapping[str, str] = {}
        if pack_kit.prepare is not None:
            prepared_with = create_connector(settings, client=client)
            try:
                ids = dict(pack_kit.prepare(prepared_with))
            finally:
                prepared_with.close()
        yield Kit(
            vendor=vendor,
            obj=pack_kit.obj,
            ext_field=pack_kit.ext_field,
            name_field=pack_kit.name_field,
            app=app,
            clock=clock,
            client=client,
            settings=settings,
            record=_bind(pack_kit.record, ids),
            too_long=_bind(pack_kit.too_long, ids),
            missing_required=_bind(pack_kit.missing_required, ids),
            too_long_codes=pack_kit.too_long_codes,
            missing_codes=pack_kit.missing_codes,
            reports_created=pack_kit.reports_created,
            required_field=pack_kit.required_field,
            length_field=pack_kit.length_field,
            length=pack_kit.length,
            bad_credentials=dict(pack_kit.bad_credentials),
            group_size=pack_kit.group_size,
            name=pack_kit.name,
            prepared=ids,
        )


def stock_credentials(config: Any, vendor: str) -> dict[str, str]:
    """The credentials a mock accepts when built without any (its config's defaults): the
    vendor's own tests pin them (a signature computed by hand, a realm)."""
    return {key: str(getattr(config, key)) for key in mock_pack(vendor).credentials}


@pytest.fixture
def kit(request: pytest.FixtureRequest) -> Iterator[Kit]:
    yield from build_kit(request.param)


@pytest.fixture
def netsuite_kit() -> Iterator[Kit]:
    from mocks.netsuite.config import NetSuiteMockConfig

    yield from build_kit("netsuite", stock_credentials(NetSuiteMockConfig(), "netsuite"))


@pytest.fixture
def salesforce_kit() -> Iterator[Kit]:
    from mocks.salesforce.config import SalesforceMockConfig

    yield from build_kit("salesforce", stock_credentials(SalesforceMockConfig(), "salesforce"))


@pytest.fixture
def sap() -> Iterator[Kit]:
    """The SAP kit on a fresh sandbox (a module may seed it further under the same name)."""
    yield from build_kit("sap")
