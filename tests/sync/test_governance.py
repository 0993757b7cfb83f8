"""Conflict policies and the mapping's governance section."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.errors import ConfigError
from sync.governance import Conflict, Governance, Sides, decide, known_policies
from sync.mapping import parse_mapping

EARLY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
PHONE = Conflict("phone", written="+15550100", source_value="+15550100", target_value="+15550199")


def sides(source_modified: datetime = EARLY, target_modified: datetime = LATE,
          source_filled: int = 5, target_filled: int = 5) -> Sides:  # fmt: skip
    return Sides(source_modified, target_modified, source_filled, target_filled)


@pytest.mark.parametrize(
    ("policy", "facts", "winner"),
    [
        ("owner_wins", sides(), "source"),
        ("last_modified_wins", sides(), "target"),
        ("last_modified_wins", sides(source_modified=LATE, target_modified=EARLY), "source"),
        ("last_modified_wins", sides(source_modified=LATE, target_modified=LATE), "source"),
        ("most_complete_wins", sides(target_filled=7), "target"),
        ("most_complete_wins", sides(target_filled=5), "source"),
        ("manual", sides(), "steward"),
    ],
    ids=[
        "owner",
        "lmw-target-newer",
        "lmw-source-newer",
        "lmw-tie",
        "mcw-target",
        "mcw-tie",
        "manual",
    ],
)
def test_each_policy_picks_its_winner(policy: str, facts: Sides, winner: str) -> None:
    (decision,) = decide(Governance(on_conflict=policy), [PHONE], facts)
    assert (decision.path, decision.winner, decision.policy) == ("phone", winner, policy)
    assert decision.why


def test_a_locked_flow_always_restores_the_owner() -> None:
    (decision,) = decide(Governance(on_conflict="manual", lock=True), [PHONE], sides())
    assert decision.winner == "source" and "locked" in decision.why


def test_an_unknown_policy_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known policies: last_modified_wins, manual"):
        Governance(on_conflict="newest")
    assert known_policies() == ("last_modified_wins", "manual", "most_complete_wins", "owner_wins")


SPEC = """
version: 1
name: customers
source: {system: salesforce, object: Account, key: Id}
target: {system: netsuite, object: customer, external_id: externalId}
fields:
  - {target: companyName, source: Name}
  - {target: phone, source: Phone}
  - {target: creditLimit, source: Credit_Limit__c}
governance:
  on_conflict: owner_wins
  watch_target: true
  fields:
    phone: {on_conflict: last_modified_wins}
    creditLimit: {owner: target}
"""


def test_the_governance_section_sets_policy_per_field_and_owner() -> None:
    rules = parse_mapping(SPEC).governance
    assert rules.watch_target and not rules.lock
    assert rules.policy_for("phone") == "last_modified_wins"
    assert rules.policy_for("companyName") == "owner_wins"
    assert (rules.owner("creditLimit"), rules.owner("companyName")) == ("target", "source")


def test_governance_of_an_unmapped_field_is_refused_with_a_suggestion() -> None:
    text = SPEC.replace("phone: {on_conflict", "phon: {on_conflict")
    with pytest.raises(
        ConfigError, match=r"'phon' is not a mapped target path \(did you mean 'phone'\?\)"
    ):
        parse_mapping(text, file="customers.yaml")


def test_an_unknown_policy_in_a_spec_is_refused_at_load() -> None:
    with pytest.raises(ConfigError, match="on_conflict"):
        parse_mapping(SPEC.replace("on_conflict: owner_wins", "on_conflict: newest_wins"))


def test_a_write_refused_as_stale_is_a_conflict_the_next_run_settles() -> None:
    from sync._entries import STALE_TARGET, rejection
    from sync.connectors.base import WriteResult

    stale = WriteResult("ext-1", False, error_code="ETAG_MISMATCH", message="edited", stale=True)
    reason, code, message = rejection(stale)
    assert (reason, code) == ("conflict", STALE_TARGET)
    assert "ETAG_MISMATCH" in message and "nothing was overwritten" in message
    plain = WriteResult("ext-1", False, error_code="STRING_TOO_LONG", message="too long")
    assert rejection(plain)[:2] == ("rejected", "STRING_TOO_LONG")
