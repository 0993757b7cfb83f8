"""`--dirty` on `harness mock-up` and `harness sandbox`, and the ground-truth manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from harness.cli import app
from tests.children import interrupt, read_until, start_harness


def _mock_up(tmp_path: Path, *args: str) -> dict[str, Any]:
    """Run `harness mock-up` until it has written its ground truth; return the manifest."""
    proc = start_harness(["mock-up", *args, "--http"], tmp_path)
    try:
        text = read_until(proc, "ground truth:")
        assert "ground truth:" in text, text
    finally:
        interrupt(proc)
    manifest: dict[str, Any] = orjson.loads(
        (tmp_path / ".harness" / "ground-truth.json").read_bytes()
    )
    return manifest


def test_mock_up_writes_the_ground_truth_manifest_next_to_its_config(tmp_path: Path) -> None:
    manifest = _mock_up(tmp_path, "--accounts", "200", "--seed", "4", "--dirty", "0.2")
    assert manifest["world"]["dirty"] == 0.2 and manifest["world"]["seed"] == 4
    assert manifest["world"]["full_business"] is False
    facts = manifest["systems"]["crm"]["facts"]
    assert 20 <= len(facts) <= 60
    assert {f["vendor"] for f in facts} == {"salesforce"}
    assert all(f["record_id"].startswith("001") for f in facts)
    assert manifest["systems"]["erp"] == {"vendor": "netsuite", "facts": []}


def test_mock_up_with_the_full_business_names_contact_records(tmp_path: Path) -> None:
    args = ("--accounts", "100", "--seed", "4", "--dirty", "0.3", "--full-business")
    manifest = _mock_up(tmp_path, *args)
    assert manifest["world"]["full_business"] is True
    contacts = [f for f in manifest["systems"]["crm"]["facts"] if f["entity"] == "contact"]
    loaded = [f for f in contacts if "not_loaded" not in f]
    assert loaded and all(f["record_id"].startswith("003") for f in loaded)
    assert {f["vendor_field"] for f in loaded} <= {"AccountId", "Email"}


def test_sandbox_with_a_dirty_world_is_no_go(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["sandbox", "--accounts", "80", "--seed", "2", "--dirty", "0.3",
         "--workdir", str(tmp_path / "w"), "--reports-dir", str(tmp_path / "r")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "NO-GO" in result.output
