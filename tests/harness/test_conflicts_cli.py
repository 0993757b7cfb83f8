"""`harness conflicts list|show|resolve`: the steward's queue, end to end through the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from harness.bdd.business import get
from harness.bdd.steps.common import crm_customers, customers, edit_customer, erp_customer
from harness.bdd.variants import write_variant
from harness.cli import app
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from tests.paths import CUSTOMERS_MAPPING

DEFAULT_MAPPING = CUSTOMERS_MAPPING

runner = CliRunner()


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Sandbox, str, str]]:
    """A sandbox whose customers flow is `manual`, with one account renamed on both sides."""
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=5, accounts=12)) as box:
        manual = {"on_conflict": "manual"}
        box.use_mapping(write_variant(DEFAULT_MAPPING, tmp_path / "manual.yaml", governance=manual))
        assert box.sync(full=True).status == "succeeded"
        account = crm_customers(box)[3]
        edit_customer(box, "crm", account.id, name="CRM Side Name")
        time.sleep(1.1)  # the ERP stamps modification times to the second
        edit_customer(box, "erp", erp_customer(box, account.id).id, name="ERP Side Name")
        (entry,) = box.sync().quarantined
        yield box, entry.qid, account.id


def test_list_and_show_name_both_values(held: tuple[Sandbox, str, str]) -> None:
    box, qid, account_id = held
    listed = runner.invoke(app, ["conflicts", "list", "--config", str(box.config_path), "--json"],
                           env=box.environ)  # fmt: skip
    assert listed.exit_code == 0, listed.output
    (entry,) = orjson.loads(listed.stdout)
    assert (entry["qid"], entry["source_id"], entry["reason"]) == (qid, account_id, "conflict")
    shown = runner.invoke(app, ["conflicts", "show", qid, "--config", str(box.config_path)],
                          env=box.environ)  # fmt: skip
    assert shown.exit_code == 0 and "ERP Side Name" in shown.output
    assert "CRM Side Name" in shown.output


def test_resolve_keeping_the_erp_brings_nothing_back_and_empties_the_queue(
    held: tuple[Sandbox, str, str],
) -> None:
    box, qid, account_id = held
    done = runner.invoke(app, ["conflicts", "resolve", qid, "--keep", "erp", "--by", "dana",
                               "--config", str(box.config_path)], env=box.environ)  # fmt: skip
    assert done.exit_code == 0, done.output
    name = get(erp_customer(box, account_id), customers(box).target_path("name"))
    assert name == "ERP Side Name"
    again = runner.invoke(app, ["conflicts", "list", "--config", str(box.config_path), "--json"],
                          env=box.environ)  # fmt: skip
    assert orjson.loads(again.stdout) == []


def test_resolve_refuses_a_system_the_flow_does_not_touch(held: tuple[Sandbox, str, str]) -> None:
    box, qid, _ = held
    refused = runner.invoke(app, ["conflicts", "resolve", qid, "--keep", "hubspot", "--by", "dana",
                                  "--config", str(box.config_path)], env=box.environ)  # fmt: skip
    assert refused.exit_code == 2
    assert "keep one of those" in refused.output and "crm -> erp" in refused.output
