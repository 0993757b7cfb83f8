"""The Toy CRM, a vendor defined only under tests/, goes through the seam end to end.

Registered in code, both packs are listed by the registries and the connector reads and
writes its sandbox; installed as a package would be (a dist-info with entry points, in a
subprocess), `harness mapping compile` and `harness sandbox` run it against NetSuite with
nothing outside tests/ knowing it exists.
"""

from __future__ import annotations

import ast
import math
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
import yaml

from mocks.conformance import MockKit
from mocks.registry import known_mocks, mock_pack, register_mock_pack, unregister_mock_pack
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings, generate_world
from sync.canonical import load_model
from sync.connectors import known_vendors, register_pack, unregister_pack
from sync.connectors.base import Watermark
from sync.connectors.kit import ConformanceKit
from sync.connectors.registry import connector_pack
from sync.errors import AuthError
from tests.packs.toy.connector import PACK as TOY_CONNECTOR
from tests.packs.toy.mock import PACK as TOY_MOCK
from tests.packs.toy.mock.seed import seed_toy
from tests.packs.toy_sandbox import ACCOUNTS, CREDENTIALS, Sandbox, connected

TOY = Path(__file__).resolve().parent / "toy"
SKIPPED = re.compile(r"flow (\w+) not compiled: (.+)")


def harness(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m harness.cli ARGS` in a fresh interpreter, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=cwd,
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )


# -- (a) registration ------------------------------------------------------------------------


def test_both_packs_register_and_are_listed(toy_packs: None) -> None:
    assert "toy" in known_vendors("crm") and "toy" not in known_vendors("erp")
    assert "toy" in known_mocks("crm")
    profile = connector_pack("toy").profile
    assert profile.entity("customer") is not None
    assert profile.entities["customer"].object == "clients"
    kits = connector_pack("toy").conformance_kits()
    assert [type(k) for k in kits] == [ConformanceKit] and kits[0].obj == "clients"
    assert isinstance(mock_pack("toy", "crm").conformance_kit(), MockKit)


def test_a_pack_registered_in_code_can_be_taken_away_again() -> None:
    register_pack(replace(TOY_CONNECTOR, name="toy2"))
    register_mock_pack(replace(TOY_MOCK, name="toy2"))
    assert "toy2" in known_vendors("crm") and "toy2" in known_mocks("crm")
    unregister_pack("toy2")
    unregister_mock_pack("toy2")
    assert "toy2" not in known_vendors() and "toy2" not in known_mocks()
    assert "toy" in known_vendors() and "toy" in known_mocks()  # the session's stay


def _imported_roots(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


@pytest.mark.parametrize(
    ("side", "forbidden"),
    [
        ("mock", ("sync", "reconcile", "harness", "tests.packs.toy.connector")),
        ("connector", ("mocks", "reconcile", "harness", "tests.packs.toy.mock")),
    ],
)
def test_the_two_sides_share_no_code(side: str, forbidden: tuple[str, ...]) -> None:
    roots = _imported_roots(TOY / side)
    crossing = sorted(m for m in roots for f in forbidden if m == f or m.startswith(f + "."))
    assert crossing == []


# -- (b), (c) entry points, in a subprocess --------------------------------------------------


def test_mapping_compile_finds_the_packs_through_entry_points(
    pack_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "mappings"
    done = harness(["mapping", "compile", "--crm", "toy", "--erp", "netsuite", "--out",
                    str(out)], tmp_path, pack_env)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["customers.yaml"]
    mapping = yaml.safe_load((out / "customers.yaml").read_text(encoding="utf-8"))
    assert mapping["source"] == {"system": "toy", "object": "clients", "key": "id",
                                 "modified_field": "updated_at"}  # fmt: skip
    assert mapping["target"]["system"] == "netsuite"
    sources = {r["target"]: r.get("source") for r in mapping["fields"]}
    assert sources["companyName"] == "title" and sources["email"] == "mail"
    assert sources["phone"] == "tel" and sources["subsidiary"] == "nation"
    skipped = dict(SKIPPED.findall(done.stderr))
    assert set(skipped) == {f.name for f in load_model().flows} - {"customers"}
    assert skipped["contacts"] == "the toy profile has no 'contact' entity"


def test_sandbox_toy_to_netsuite_is_a_go(pack_env: dict[str, str], tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    work = str(tmp_path / "work")
    args = ["sandbox", "--crm", "toy", "--erp", "netsuite", "--accounts", str(ACCOUNTS),
            "--seed", "5", "--workdir", work, "--reports-dir", str(reports)]  # fmt: skip
    done = harness(args, tmp_path, pack_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GO" in done.stdout and "NO-GO" not in done.stdout
    report = orjson.loads((reports / "reconcile.json").read_bytes())
    (flow,) = report["flows"]
    assert (flow["flow"], flow["source_object"], flow["target_object"]) == (
        "customers", "clients", "customer",
    )  # fmt: skip
    assert flow["source_records"] == flow["matched"] == flow["equal"] == ACCOUNTS
    assert flow["different"] == flow["missing_in_target"] == flow["quarantined"] == 0
    assert report["verdict"]["go"] is True


# -- (d) the connector against the mock, in process ------------------------------------------


def test_connector_reads_every_seeded_client_page_by_page(toy: Sandbox) -> None:
    seeded = {r.id for r in toy.store.records("clients")}
    with connected(toy, page_size=7) as conn:
        pages = list(conn.read("clients"))
        assert [len(p) for p in pages] == [7] * 5 + [5]
        assert len(pages) == math.ceil(ACCOUNTS / 7)
        assert conn.call_count() == 1 + len(pages)  # the token, then one request a page
        records = [r for page in pages for r in page]
        keys = [(r.modified_at, r.id) for r in records]
        assert keys == sorted(keys) and len(set(keys)) == ACCOUNTS
        assert {r.id for r in records} == seeded
        assert all(r.fields["title"] for r in records)
        narrow = next(iter(conn.read("clients", fields=["title"])))[0]
        assert set(narrow.fields) == {"id", "title", "updated_at"}


def test_connector_upserts_and_reads_back(toy: Sandbox) -> None:
    with connected(toy) as conn:
        latest = max(r.modified_at for page in conn.read("clients") for r in page)
        record = {"ref": "NS-901", "title": "Toy Works GmbH", "mail": "ap@toyworks.example",
                  "tel": "+49 30 1234567", "nation": "Germany"}  # fmt: skip
        (created,) = conn.upsert("clients", "ref", [record])
        assert created.ok and created.created and created.id
        (again,) = conn.upsert("clients", "ref", [{**record, "title": "Toy Works AG"}])
        assert again.ok and not again.created and again.id == created.id
        found = conn.get_by_external_id("clients", "ref", ["NS-901", "NS-404"])
        assert list(found) == ["NS-901"]
        back = found["NS-901"]
        assert back.id == created.id
        assert {k: back.fields[k] for k in record} == {**record, "title": "Toy Works AG"}
        newer = [r for page in conn.read("clients", since=Watermark(latest)) for r in page]
        assert created.id in {r.id for r in newer} and len(newer) < ACCOUNTS
        (changed,) = [c for page in conn.changes("clients", "ref", Watermark(latest))
                      for c in page if c.id == created.id]  # fmt: skip
        assert changed.external_id == "NS-901"


def test_the_conformance_kit_describes_the_sandbox(toy: Sandbox) -> None:
    (kit,) = connector_pack("toy").conformance_kits()
    with connected(toy, page_size=kit.page_size) as conn:
        schema = conn.describe(kit.obj)
        required, sized = schema.field(kit.required_field), schema.field(kit.length_field)
        assert required is not None and required.required
        assert sized is not None and sized.length == kit.length
        ok, long, missing = conn.upsert(kit.obj, kit.ext_field, [
            kit.record("K-1", {}), kit.too_long("K-2", {}), kit.missing_required("K-3", {})
        ])  # fmt: skip
        assert ok.ok and ok.created == kit.reports_created
        assert not long.ok and long.error_code in kit.too_long_codes
        assert long.fields == (kit.length_field,)
        assert not missing.ok and missing.error_code in kit.missing_codes
    bad = {**CREDENTIALS, **kit.bad_credentials}
    with pytest.raises(AuthError), connected(toy, credentials=bad) as refused:
        refused.describe(kit.obj)


def test_world_ids_are_the_seeders_ids(toy_packs: None) -> None:
    world = generate_world(WorldSettings(seed=5, accounts=12))
    store = RecordStore()
    assert seed_toy(store, world) == {"clients": 12}
    ids = mock_pack("toy", "crm").ids_for(world)
    assert ids == world.record_ids["toy"]
    stored = store.records("clients")  # in insertion order: the world's
    assert [r.id for r in stored] == [ids[c.key] for c in world.companies]
    assert [r.fields["title"] for r in stored] == [c.name for c in world.companies]
