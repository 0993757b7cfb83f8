"""Mock paging throughput against a bare FastAPI endpoint serving the same bytes (issue #7).

What is measured: records/s a client gets paging through ALL records of a seeded world
- Salesforce: `GET /services/data/v59.0/query?q=<the SOQL a full customers sync issues>`
  (the mapping's source fields, `ORDER BY SystemModstamp, Id`), then `nextRecordsUrl`
  (2,000 a page), bearer token from the mock's OAuth client-credentials grant;
- NetSuite: SuiteQL `POST /services/rest/query/v1/suiteql?limit=1000&offset=K` with
  `Prefer: transient`, each request signed with OAuth 1.0a as the connector signs it, following
  `hasMore`; the customers are seeded with the mock's own seeder (`seed_parties`), one per
  company of the world, as an earlier integration would have left them;
through our mock, and through a bare FastAPI app that answers the same paths and query shapes
with the page bytes the mock produced in a warm-up pass (`Response(content=...)`: no auth, no
query, no serialisation). The ratio mock/bare is the figure (target >= 0.5).

Why it is fair: both servers run the same way (real uvicorn, the settings `mocks.server` uses,
plain HTTP on loopback, each in its own spawned process so neither shares the client's GIL);
the client is one loop for both sides (one keep-alive `httpx.Client`, the same headers,
signatures included, and `orjson.loads` of every body); the bodies are byte-identical; each side
gets an unmeasured warm-up pass; measured passes alternate mock and bare, `rounds` times, and
the medians are compared. Paging is sequential, as the connectors page. Every measured pass is
a first read of its result set, as a sync's full read is: Salesforce runs each query afresh
(a new locator), and a silent admin write before each NetSuite pass (outside the timing) makes
the mock drop its cached SuiteQL result.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
from fastapi import FastAPI, Response

from bench.servers import HEALTH_PATH, serve_apps

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "fixtures" / "integrations" / "salesforce-netsuite" / "customers.yaml"
ADMIN_PATH = "/__harness"
ADMIN_TOKEN = "harness-admin"  # both mock configs' default
SF_VERSION = "59.0"
SF_TOKEN_PATH = "/services/oauth2/token"
SF_QUERY_PATH = f"/services/data/v{SF_VERSION}/query"
SF_CLIENT = ("harness-sf-client", "harness-sf-secret")  # SalesforceMockConfig's defaults
NS_SUITEQL_PATH = "/services/rest/query/v1/suiteql"
NS_ACCOUNT = "1234567_SB1"  # NetSuiteMockConfig's default realm
NS_PAGE = 1000
NS_QUERY = (
    "SELECT id, externalid, entityid, companyname, isperson, email, phone, url, comments,"
    " subsidiary, lastmodifieddate FROM customer ORDER BY id"
)
VENDORS = ("salesforce", "netsuite")

Pages = dict[str, bytes]  # request key (SF locator, "" first; NS offset) -> body


# -- servers (each in its own spawned process) ------------------------------------------------


def _salesforce_mock(records: int, seed: int) -> FastAPI:
    """The mock org with one Account per company of the world, as `harness mock-up` seeds it."""
    from mocks.salesforce import SalesforceMockConfig, create_app
    from mocks.world.generator import WorldSettings

    app = create_app(SalesforceMockConfig())
    app.state.mock.seed(WorldSettings(seed=seed, accounts=records))
    return app


def _netsuite_mock(records: int, seed: int) -> FastAPI:
    """The mock account with one customer per company of the world (the mock's own seeder)."""
    from mocks.netsuite import NetSuiteMockConfig, create_app
    from mocks.netsuite.seed.business import seed_parties
    from mocks.salesforce.seed.ids import world_ids
    from mocks.world.generator import WorldSettings, generate_world
    from mocks.world.overlap import Overlap

    app = create_app(NetSuiteMockConfig())
    world = generate_world(WorldSettings(seed=seed, accounts=records))
    overlap = Overlap(customers=list(world.companies), crm_ids=world_ids(world))
    for number, company in enumerate(world.companies, start=1):
        overlap.erp_ids[company.key] = str(number)
    seed_parties(app.state.mock.store, overlap)
    return app


def _bare(salesforce: Pages, netsuite: Pages) -> FastAPI:
    """Same paths and query shapes as the mocks; each answer is a stored page, nothing else."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(HEALTH_PATH)
    async def health() -> Response:
        return Response(content=b'{"status":"ok"}', media_type="application/json")

    @app.get("/services/data/{version}/query")
    async def query(version: str, q: str) -> Response:
        return Response(content=salesforce[""], media_type="application/json")

    @app.get("/services/data/{version}/query/{locator}")
    async def query_more(version: str, locator: str) -> Response:
        return Response(content=salesforce[locator], media_type="application/json")

    @app.post(NS_SUITEQL_PATH)
    async def suiteql(limit: int = NS_PAGE, offset: int = 0) -> Response:
        return Response(content=netsuite[str(offset)], media_type="application/json")

    return app


BUILDERS: dict[str, Callable[..., FastAPI]] = {
    "salesforce": _salesforce_mock,
    "netsuite": _netsuite_mock,
    "bare": _bare,
}


# -- the client loop (identical against mock and bare) ----------------------------------------


@dataclass
class Pass:
    records: int = 0
    pages: int = 0
    seconds: float = 0.0
    largest_page: int = 0
    bodies: Pages = field(default_factory=dict)

    def add(self, key: str, content: bytes, count: int, capture: bool) -> None:
        self.records += count
        self.pages += 1
        self.largest_page = max(self.largest_page, count)
        if capture:
            self.bodies[key] = content


def _checked(response: httpx.Response) -> bytes:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url} -> {response.status_code}: {response.text}")
    return response.content


def salesforce_soql() -> str:
    """The SOQL a full sync of the customers flow issues (the mapping's source fields)."""
    from sync.connectors.salesforce import dialect
    from sync.mapping.loader import load_mapping

    fields = dialect.select_list(load_mapping(MAPPING).source_fields)
    return dialect.incremental_query("Account", fields, None)


def salesforce_token(client: httpx.Client) -> str:
    """A bearer token from the mock's client-credentials grant, as the connector gets one."""
    pair = base64.b64encode(f"{SF_CLIENT[0]}:{SF_CLIENT[1]}".encode()).decode()
    response = client.post(
        SF_TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {pair}"},
    )
    return str(orjson.loads(_checked(response))["access_token"])


def page_salesforce(client: httpx.Client, soql: str, token: str, *, capture: bool = False) -> Pass:
    headers = {"Authorization": f"Bearer {token}"}
    out = Pass()
    started = time.perf_counter()
    content = _checked(client.get(SF_QUERY_PATH, params={"q": soql}, headers=headers))
    key = ""
    while True:
        body = orjson.loads(content)
        out.add(key, content, len(body["records"]), capture)
        next_url = body.get("nextRecordsUrl")
        if not next_url:
            break
        key = next_url.rsplit("/", 1)[1]
        content = _checked(client.get(next_url, headers=headers))
    out.seconds = time.perf_counter() - started
    if out.records != body["totalSize"]:
        raise RuntimeError(f"paged {out.records} Accounts of {body['totalSize']}")
    return out


def netsuite_signer() -> Callable[[str, str], dict[str, str]]:
    """OAuth 1.0a headers (HMAC-SHA256) as the NetSuite connector signs every request."""
    from sync.connectors.base import ConnectionSettings
    from sync.connectors.netsuite.auth import TokenBasedAuth

    credentials = {
        "consumer_key": "harness-ns-consumer",
        "consumer_secret": "harness-ns-consumer-secret",
        "token_id": "harness-ns-token",
        "token_secret": "harness-ns-token-secret",
    }  # NetSuiteMockConfig's defaults
    settings = ConnectionSettings(
        "netsuite", "http://unused", credentials, options={"account": NS_ACCOUNT}
    )
    return TokenBasedAuth(settings).headers


def forget_netsuite_results(client: httpx.Client) -> None:
    """A silent admin write (subsidiary 1, unchanged): the mock caches a SuiteQL result while
    its store stays the same, so the next pass runs its query afresh, as one full read does."""
    from mocks.netsuite.seed import SUBSIDIARIES

    _, name, _, _ = SUBSIDIARIES[0]
    response = client.patch(
        f"{ADMIN_PATH}/records/subsidiary/1",
        params={"touch": "false"},
        json={"name": name},
        headers={"X-Harness-Token": ADMIN_TOKEN},
    )
    _checked(response)


def page_netsuite(
    client: httpx.Client, sign: Callable[[str, str], dict[str, str]], *, capture: bool = False
) -> Pass:
    payload = orjson.dumps({"q": NS_QUERY})
    base = {"Prefer": "transient", "Content-Type": "application/json"}
    root = str(client.base_url).rstrip("/")
    out = Pass()
    offset = 0
    started = time.perf_counter()
    while True:
        url = f"{root}{NS_SUITEQL_PATH}?limit={NS_PAGE}&offset={offset}"
        headers = {**base, **sign("POST", url)}
        content = _checked(client.post(url, content=payload, headers=headers))
        body = orjson.loads(content)
        out.add(str(offset), content, len(body["items"]), capture)
        if not body["hasMore"]:
            break
        offset += NS_PAGE
    out.seconds = time.perf_counter() - started
    if out.records != body["totalResults"]:
        raise RuntimeError(f"paged {out.records} customers of {body['totalResults']}")
    return out


# -- the benchmark ----------------------------------------------------------------------------


def bench_paging(
    records: int = 20_000, seed: int = 42, rounds: int = 3, *, profile_dir: Path | None = None
) -> dict[str, float]:
    """Median records/s through each mock and through the bare endpoint, and their ratio.

    `profile_dir`, when given, runs the two mocks under cProfile and leaves
    `salesforce.prof` / `netsuite.prof` there (slower: figures are then for diagnosis only).
    """
    soql = salesforce_soql()
    sign = netsuite_signer()
    with ExitStack() as stack:
        mocks = stack.enter_context(
            serve_apps({name: (BUILDERS[name], (records, seed)) for name in VENDORS}, profile_dir)
        )
        clients = {
            name: stack.enter_context(httpx.Client(base_url=url, timeout=120))
            for name, url in mocks.items()
        }
        token = salesforce_token(clients["salesforce"])

        def run(vendor: str, client: httpx.Client, capture: bool = False) -> Pass:
            if vendor == "salesforce":
                return page_salesforce(client, soql, token, capture=capture)
            return page_netsuite(client, sign, capture=capture)

        # Warm-up pass through each mock: it also captures the pages the bare app serves.
        warm = {name: run(name, clients[name], capture=True) for name in VENDORS}
        for name, first in warm.items():
            if first.records != records:
                raise RuntimeError(f"{name} mock holds {first.records} records, not {records}")
        pages = (warm["salesforce"].bodies, warm["netsuite"].bodies)
        bare_url = stack.enter_context(serve_apps({"bare": (_bare, pages)}))["bare"]
        bare = stack.enter_context(httpx.Client(base_url=bare_url, timeout=120))
        for name in VENDORS:
            run(name, bare)  # warm-up of the bare side
        measured: dict[str, dict[str, list[Pass]]] = {n: {"mock": [], "bare": []} for n in VENDORS}
        for _ in range(rounds):
            for name in VENDORS:
                if name == "netsuite":
                    forget_netsuite_results(clients[name])
                measured[name]["mock"].append(run(name, clients[name]))
                measured[name]["bare"].append(run(name, bare))
    figures: dict[str, float] = {"records": float(records)}
    for name in VENDORS:
        passes = measured[name]
        for side in ("mock", "bare"):
            for one in passes[side]:
                if (one.records, one.pages) != (warm[name].records, warm[name].pages):
                    raise RuntimeError(f"{name} {side}: {one.records} records in {one.pages} pages")
        mock = statistics.median(p.records / p.seconds for p in passes["mock"])
        bare_rate = statistics.median(p.records / p.seconds for p in passes["bare"])
        figures[f"{name}_mock_records_per_s"] = mock
        figures[f"{name}_bare_records_per_s"] = bare_rate
        figures[f"{name}_ratio"] = mock / bare_rate
        figures[f"{name}_pages"] = float(warm[name].pages)
        figures[f"{name}_page_size"] = float(warm[name].largest_page)
        figures[f"{name}_mock_ms_per_page"] = 1000 / mock * warm[name].largest_page
        figures[f"{name}_bare_ms_per_page"] = 1000 / bare_rate * warm[name].largest_page
    return figures


PAGING_LABELS = {
    "salesforce_mock_records_per_s": "Salesforce query paging through the mock, records/s",
    "salesforce_bare_records_per_s": "Salesforce query paging, bare endpoint, records/s",
    "salesforce_ratio": "Salesforce paging, mock / bare (target >= 0.5)",
    "salesforce_pages": "Salesforce query, pages",
    "salesforce_page_size": "Salesforce query, records a page",
    "netsuite_mock_records_per_s": "NetSuite SuiteQL paging through the mock, records/s",
    "netsuite_bare_records_per_s": "NetSuite SuiteQL paging, bare endpoint, records/s",
    "netsuite_ratio": "NetSuite paging, mock / bare (target >= 0.5)",
    "netsuite_pages": "NetSuite SuiteQL, pages",
    "netsuite_page_size": "NetSuite SuiteQL, records a page",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--profile-dir", type=Path, default=None, help="cProfile the mocks; stats land here."
    )
    args = parser.parse_args()
    if args.profile_dir is not None:
        args.profile_dir.mkdir(parents=True, exist_ok=True)
    figures = bench_paging(args.records, args.seed, args.rounds, profile_dir=args.profile_dir)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"mock paging: {args.records:,} records, median of {args.rounds}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, label in PAGING_LABELS.items():
        value = figures[key]
        table.add_row(label, f"{value:,.2f}" if key.endswith("ratio") else f"{value:,.0f}")
    Console().print(table)


if __name__ == "__main__":
    main()
