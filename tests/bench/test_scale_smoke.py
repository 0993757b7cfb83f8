"""The scale benchmark's data and checks on a tiny dataset: correctness only, never speed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("polars", reason="the bench extra (pip install -e '.[bench]') builds datasets")

from bench.datasets import FIELDS, Truth, build
from bench.scale_tools import TOOLS, judge


def test_the_dataset_holds_the_promised_defects_and_repeats_by_seed(tmp_path: Path) -> None:
    truth = build(tmp_path / "a", 2_000, seed=3)
    again = build(tmp_path / "b", 2_000, seed=3)
    assert truth == again == Truth.load(tmp_path / "a" / "truth.json")
    assert (len(truth.differing), len(truth.missing), len(truth.extra)) == (100, 20, 20)
    assert len(truth.differing) < truth.cells <= 2 * len(truth.differing)
    assert not set(truth.differing) & set(truth.missing)
    assert (tmp_path / "a" / "source.parquet").read_bytes() == (
        tmp_path / "b" / "source.parquet"
    ).read_bytes()
    assert len(FIELDS) == 20


@pytest.mark.parametrize("tool", ["columnar", "per_record", "deepdiff_sample"])
def test_our_tools_find_exactly_the_truth(tmp_path: Path, tool: str) -> None:
    truth = build(tmp_path, 1_000)
    figures = judge(TOOLS[tool](tmp_path), truth)
    assert figures["findings_match"]
    assert figures["per_field"] is (tool != "deepdiff_sample")
    assert figures["extrapolated"] is (tool == "deepdiff_sample")
