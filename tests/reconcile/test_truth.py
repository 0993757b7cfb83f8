"""The ground-truth scorer itself: it must notice a miss, a false alarm and a wrong cause,
or a perfect score from it would prove nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconcile.explain import IN_FLIGHT
from reconcile.model import FieldDiff, Finding, FlowScore
from reconcile.truth import score_findings
from sync.mapping import load_mapping
from tests.paths import CUSTOMERS_MAPPING

EDITED = "edited in target after the last sync"


def _flow(findings: list[Finding]) -> FlowScore:
    return FlowScore("customers", "Account", "customer", 3, 3, 3, 1, 2, 0, 0, 0, 0, 0, 0, (),
                     {}, tuple(findings))  # fmt: skip


def _fact(drift: str, ext: str, field: str | None, **extra: Any) -> dict[str, Any]:
    return {"kind": "drift", "drift": drift, "id": extra.pop("id", "9"), "external_id": ext,
            "field": field, **extra}  # fmt: skip


def test_a_perfect_reconciliation_scores_one_and_one() -> None:
    spec = load_mapping(Path(CUSTOMERS_MAPPING))
    facts = [_fact("edit_value", "A", "comments"), _fact("source_edit", "B", "Name", id="B")]
    findings = [
        Finding("different", "A", "1", "A", EDITED, "", (FieldDiff("comments", "x", "y", EDITED),)),
        Finding("different", "B", "2", "B", IN_FLIGHT, "",
                (FieldDiff("companyName", "n", "m", IN_FLIGHT),)),
    ]  # fmt: skip
    score = score_findings(_flow(findings), facts, spec)
    assert (score.recall, score.precision, score.misexplained) == (1.0, 1.0, ())


def test_misses_false_alarms_and_wrong_causes_are_counted() -> None:
    spec = load_mapping(Path(CUSTOMERS_MAPPING))
    facts = [_fact("edit_value", "A", "comments"), _fact("truncate", "C", "companyName"),
             {"kind": "silent_truncation", "id": "7"}]  # fmt: skip
    findings = [
        Finding("different", "A", "1", "A", EDITED, "", (FieldDiff("comments", "x", "y", EDITED),)),
        Finding("missing_in_target", "Z", None, "Z", "never synced", ""),
    ]
    score = score_findings(_flow(findings), facts, spec)
    assert score.missed == (("different", "C"),)
    assert score.spurious == (("missing_in_target", "Z"),)
    assert (score.recall, score.precision) == (0.5, 0.5)

    wrong = [Finding("different", "A", "1", "A", "transform bug", "",
                     (FieldDiff("url", "x", "y", "transform bug"),))]  # fmt: skip
    (problem,) = score_findings(_flow(wrong), facts[:1], spec).misexplained
    assert problem[1] == "edit_value" and "transform bug" in problem[2]
