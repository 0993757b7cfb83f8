"""`harness quarantine list|show|replay|discard`: on a seeded state file, and end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from harness import output
from harness.cli import app
from harness.config import load_config
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.state import QuarantineEntry, StateStore
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.console, "width", 220)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """Systems nobody listens on: list, show and discard never reach them."""
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {tmp_path / "state.db"}}}
flows:
  - {{name: customers, mapping: {MAPPING}, source: crm, target: erp}}
  - {{name: contacts, mapping: {MAPPING}, source: crm, target: erp}}
""", encoding="utf-8")  # fmt: skip
    return path


def _seed(config_path: Path) -> dict[str, QuarantineEntry]:
    """Three open entries in two flows (one re-quarantined), keyed by source id."""
    with StateStore(load_config(config_path, {}).state_path, clock=lambda: T0) as state:
        run = state.start_run("customers", "live", "full")
        state.record_quarantine(run.run_id, "customers", source_id="001A", reason="validation",
                                code="REQUIRED", message="subsidiary.id is required",
                                payload={"Id": "001A", "Name": "Acme", "BillingCountry": None},
                                mapped={"companyName": "Acme"})  # fmt: skip
        state.record_quarantine(run.run_id, "customers", source_id="001B", reason="rejected",
                                code="INVALID_CONTENT", message="companyName too long",
                                payload={"Id": "001B", "Name": "B" * 90})  # fmt: skip
        state.finish_run(run.run_id, "partial", {"read": 5, "quarantined": 2})
        other = state.start_run("contacts", "live", "full")
        state.record_quarantine(other.run_id, "contacts", source_id="003C", reason="validation",
                                code="REQUIRED", message="lastName is required",
                                payload={"Id": "003C"})  # fmt: skip
        state.finish_run(other.run_id, "partial", {"read": 1, "quarantined": 1})
        return {q.source_id: q for q in state.quarantined(status=None)}


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_list_filters_by_flow_reason_and_status(config_path: Path) -> None:
    seeded = _seed(config_path)
    everything = _invoke("quarantine", "list", "--config", str(config_path))
    assert everything.exit_code == 0, everything.output
    assert "quarantine (3)" in everything.output
    assert all(q.qid in everything.output for q in seeded.values())

    only = _invoke("quarantine", "list", "--config", str(config_path), "--flow", "customers",
                   "--reason", "rejected", "--json")  # fmt: skip
    (entry,) = orjson.loads(only.stdout)
    assert (entry["qid"], entry["source_id"], entry["code"]) == (
        seeded["001B"].qid, "001B", "INVALID_CONTENT"
    )  # fmt: skip
    none = _invoke("quarantine", "list", "--config", str(config_path), "--status", "discarded")
    assert none.exit_code == 0 and "no quarantine entries match" in none.output
    bad = _invoke("quarantine", "list", "--config", str(config_path), "--reason", "typo")
    assert bad.exit_code == 2 and "unknown quarantine reason 'typo'" in bad.output


def test_show_prints_payloads_reason_and_history(config_path: Path) -> None:
    seeded = _seed(config_path)
    qid = seeded["001A"].qid
    shown = _invoke("quarantine", "show", qid, "--config", str(config_path))
    assert shown.exit_code == 0, shown.output
    for words in ("source payload", '"BillingCountry": null', "mapped payload",
                  '"companyName": "Acme"', "reason validation", "code REQUIRED",
                  "subsidiary.id is required", "history of this record"):  # fmt: skip
        assert words in shown.output, words
    as_json = orjson.loads(_invoke("quarantine", "show", qid, "--config", str(config_path),
                                   "--json").stdout)  # fmt: skip
    assert as_json["payload"]["Name"] == "Acme" and as_json["earlier"] == []
    missing = _invoke("quarantine", "show", "nope", "--config", str(config_path))
    assert missing.exit_code == 2 and "harness quarantine list" in missing.output


def test_discard_needs_a_name_and_closes_entries_with_the_note(config_path: Path) -> None:
    seeded = _seed(config_path)
    qid = seeded["001B"].qid
    nameless = _invoke("quarantine", "discard", qid, "--config", str(config_path))
    assert nameless.exit_code == 2 and "--by" in nameless.output
    done = _invoke("quarantine", "discard", qid, "--by", "dana@example.com", "--note",
                   "duplicate of 001A", "--config", str(config_path))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"discarded {qid}" in done.output
    with StateStore(load_config(config_path, {}).state_path) as state:
        entry = state.quarantine_get(qid)
        assert entry is not None
        assert (entry.status, entry.resolved_by, entry.note) == (
            "discarded", "dana@example.com", "duplicate of 001A"
        )  # fmt: skip
        assert {q.source_id for q in state.quarantined()} == {"001A", "003C"}
    twice = _invoke("quarantine", "discard", qid, "--by", "dana", "--config", str(config_path))
    assert twice.exit_code == 2 and "already discarded" in twice.output


def test_replay_refuses_without_a_selection_or_with_closed_entries(config_path: Path) -> None:
    seeded = _seed(config_path)
    bare = _invoke("quarantine", "replay", "--config", str(config_path))
    assert bare.exit_code == 2 and "--flow" in bare.output
    with StateStore(load_config(config_path, {}).state_path) as state:
        state.quarantine_discard([seeded["003C"].qid], by="dana")
    closed = _invoke("quarantine", "replay", seeded["003C"].qid, "unknown-qid",
                     "--config", str(config_path))  # fmt: skip
    assert closed.exit_code == 2
    assert "already discarded" in closed.output and "unknown-qid is unknown" in closed.output
    nothing = _invoke("quarantine", "replay", "--reason", "conflict", "--config",
                      str(config_path))  # fmt: skip
    assert nothing.exit_code == 0 and "nothing to replay" in nothing.output


def test_replay_after_a_fix_releases_only_the_fixed_record(
    harness_sandbox_session: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=31, accounts=8))
    box.restore_settings()
    for name, value in box.mocks.env.items():
        monkeypatch.setenv(name, value)
    crm = box.mocks.crm.app.state.mock.store
    fixed, broken = crm.records("Account")[:2]
    country = fixed.fields["BillingCountry"]
    for account in (fixed, broken):
        crm.update("Account", account.id, {"BillingCountry": None})
    first = box.sync(full=True)
    assert first.status == "partial" and first.counts.quarantined == 2
    config = str(box.config_path)

    listed = orjson.loads(_invoke("quarantine", "list", "--config", config, "--json").stdout)
    qids = {q["source_id"]: q["qid"] for q in listed}
    assert set(qids) == {fixed.id, broken.id}

    crm.update("Account", fixed.id, {"BillingCountry": country})
    replay = _invoke("quarantine", "replay", *qids.values(), "--config", config, "--json")
    assert replay.exit_code == 1, replay.output  # one record is still in quarantine
    (run,) = orjson.loads(replay.stdout)
    assert run["kind"] == "replay" and run["counts"]["created"] == 1
    assert run["still_open"] == [broken.id]
    erp = box.mocks.erp.app.state.mock.store
    assert {r.fields["externalId"] for r in erp.records("customer")} >= {fixed.id}
    assert broken.id not in {r.fields["externalId"] for r in erp.records("customer")}

    with StateStore(box.config.state_path) as state:
        done = state.quarantine_get(qids[fixed.id])
        still = state.quarantine_get(qids[broken.id])
    assert done is not None and done.status == "replayed"
    assert still is not None and still.status == "open" and still.reason == "validation"

    discard = _invoke("quarantine", "discard", qids[broken.id], "--by", "steward",
                      "--config", config)  # fmt: skip
    assert discard.exit_code == 0
    empty = _invoke("quarantine", "list", "--config", config, "--json")
    assert orjson.loads(empty.stdout) == []
