"""Root causes the ground-truth test showed wrong: a completed name in the source is not a
truncation, and a duplicate finding names the extra record, never the paired one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from reconcile.explain import (
    CREATED_BEHIND_WATERMARK,
    DELETED_IN_SOURCE,
    GONE_FROM_SOURCE,
    NOT_YET_VISIBLE,
    SyncMemory,
)
from reconcile.reconciler import compare_snapshots
from sync.connectors.base import Record
from sync.mapping import MappingSpec, load_mapping
from tests.paths import CUSTOMERS_MAPPING
from tests.reconcile.conftest import T0, crosswalk, make_account, make_customer

MAPPING = CUSTOMERS_MAPPING


@pytest.fixture(scope="module")
def spec() -> MappingSpec:
    return load_mapping(MAPPING)


def test_a_name_completed_in_the_source_is_in_flight_not_truncated(spec: MappingSpec) -> None:
    src = make_account(1)
    target = make_customer(spec, src, "100")
    completed = Record(src.id, {**src.fields, "Name": f"{src.fields['Name']} Group"},
                       T0 + timedelta(hours=1))  # fmt: skip
    memory = SyncMemory(crosswalk={src.id: crosswalk(src, "100")})
    score = compare_snapshots("customers", spec, {src.id: completed}, {"100": target}, memory)
    (finding,) = score.findings
    assert finding.root_cause == "edited in source after the last sync read it (in flight)"
    assert [d.cause for d in finding.diffs] == [finding.root_cause]


def test_a_truncation_without_a_source_edit_is_still_a_truncation(spec: MappingSpec) -> None:
    src = make_account(1, Name="Extraordinarily Long Company Name Incorporated")
    target = make_customer(spec, src, "100", companyName="Extraordinarily Long")
    memory = SyncMemory(crosswalk={src.id: crosswalk(src, "100")})
    score = compare_snapshots("customers", spec, {src.id: src}, {"100": target}, memory)
    (finding,) = score.findings
    assert finding.root_cause.startswith("silently truncated by the target (20 of 46")


@pytest.mark.parametrize("paired_first", [True, False], ids=["paired-first", "extra-first"])
def test_a_duplicate_names_the_extra_record_and_is_not_unexpected(
    spec: MappingSpec, paired_first: bool
) -> None:
    src = make_account(1)
    original = make_customer(spec, src, "100")
    extra = make_customer(spec, src, "099" if not paired_first else "101")
    targets = {t.id: t for t in sorted([original, extra], key=lambda t: t.id)}
    memory = SyncMemory(crosswalk={src.id: crosswalk(src, "100")})
    score = compare_snapshots("customers", spec, {src.id: src}, targets, memory)
    (finding,) = score.findings
    assert (finding.kind, finding.target_id, finding.external_id) == ("duplicate", extra.id, src.id)
    assert "besides 100" in finding.detail
    assert (score.unexpected_in_target, score.duplicates, score.equal) == (0, 1, 1)


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        pytest.param(True, NOT_YET_VISIBLE, id="held-by-id"),
        pytest.param(False, DELETED_IN_SOURCE, id="absent-by-id"),
        pytest.param(None, GONE_FROM_SOURCE, id="absent-from-a-query-proves-nothing"),
    ],
)
def test_a_target_whose_source_left_the_snapshot_is_named_by_what_the_source_answers(
    spec: MappingSpec, answer: bool | None, cause: str
) -> None:
    src = make_account(1)
    target = make_customer(spec, src, "100")
    memory = SyncMemory(crosswalk={src.id: crosswalk(src, "100")})
    asked: list[list[str]] = []

    def probe(keys: Sequence[str]) -> dict[str, bool | None]:
        asked.append(list(keys))
        return {k: answer for k in keys}

    score = compare_snapshots("customers", spec, {}, {"100": target}, memory, probe=probe)
    (finding,) = score.findings
    assert (finding.kind, finding.root_cause, asked) == ("unexpected_in_target", cause, [[src.id]])


def test_a_source_created_behind_what_the_incremental_read_reads_is_a_missed_change(
    spec: MappingSpec,
) -> None:
    early, late = make_account(1), make_account(2)
    memory = SyncMemory(read_through=early.modified_at + timedelta(minutes=5))
    score = compare_snapshots("customers", spec, {early.id: early}, {}, memory)
    (finding,) = score.findings
    assert (finding.kind, finding.root_cause) == ("missing_in_target", CREATED_BEHIND_WATERMARK)
    assert score.missed_changes == 1
    fresh = Record(late.id, late.fields, early.modified_at + timedelta(minutes=10))
    later = compare_snapshots("customers", spec, {late.id: fresh}, {}, memory)
    assert [f.root_cause for f in later.findings] == ["never synced"]
    assert later.missed_changes == 0
