"""Canonicalization rules from the mapping's `compare` hints: one way to read each kind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from reconcile.compare import FieldRuleView, compare_rules, values_equal
from sync.mapping import MappingSpec

PHONE = FieldRuleView("phone", read_as="phone")
PHONE_US = FieldRuleView("phone", read_as="phone", default_region="US")
COUNTRY = FieldRuleView("country", read_as="country")
INSTANT = FieldRuleView("at", read_as="datetime")
DAY = FieldRuleView("on", read_as="date")
TEXT = FieldRuleView("name", ignore_case=True, ignore_whitespace=True)
AMOUNT = FieldRuleView("amount", abs_tolerance=0.01)
SHARE = FieldRuleView("share", rel_tolerance=0.001)


@pytest.mark.parametrize(
    ("rule", "expected", "actual", "equal"),
    [
        pytest.param(PHONE, "+14155550100", "+1 (415) 555-0100", True, id="phone-formatting"),
        pytest.param(PHONE, "+442079460958", "+44 20 7946 0958", True, id="phone-uk-spaces"),
        pytest.param(PHONE_US, "+14155550100", "(415) 555-0100", True, id="phone-default-region"),
        pytest.param(PHONE, "+14155550100", "(415) 555-0100", False, id="phone-national-no-region"),
        pytest.param(PHONE, "+14155550100", "+14155550101", False, id="phone-other-number"),
        pytest.param(PHONE, "not a phone", "not a phone", True, id="phone-unreadable-as-text"),
        pytest.param(PHONE, "+19795675642", "Summit +19795675642", False, id="phone-with-a-label"),
        pytest.param(
            PHONE, "+14155550132", "call +1 415 555 0132", False, id="phone-in-a-sentence"
        ),
        pytest.param(
            PHONE, "+14155550132", "+1 415 555 0132 x12", False, id="phone-extension-added"
        ),
        pytest.param(
            PHONE, "+14155550132 ext. 12", "+1 415 555 0132 x12", True, id="phone-same-ext"
        ),
        pytest.param(
            PHONE, "+14155550132 ext. 12", "+1 415 555 0132 #13", False, id="phone-other-ext"
        ),
        pytest.param(PHONE, "+14155550132", "tel:+1-415-555-0132", True, id="phone-tel-uri"),
        pytest.param(COUNTRY, "GB", "United Kingdom", True, id="country-name-vs-code"),
        pytest.param(COUNTRY, "US", "USA", True, id="country-alpha3"),
        pytest.param(COUNTRY, "DE", "Deutschland", True, id="country-native-name"),
        pytest.param(COUNTRY, "DE", "FR", False, id="country-other"),
        pytest.param(
            INSTANT,
            "2024-01-01T10:00:00+02:00",
            "2024-01-01T08:00:00Z",
            True,
            id="datetime-same-instant-other-offset",
        ),
        pytest.param(
            INSTANT,
            "2024-01-01T08:00:00",
            "2024-01-01T08:00:00+00:00",
            True,
            id="datetime-naive-is-utc",
        ),
        pytest.param(
            INSTANT,
            datetime(2024, 1, 1, 8, tzinfo=UTC),
            "2024-01-01T08:00:00.000Z",
            True,
            id="datetime-object-vs-text",
        ),
        pytest.param(
            INSTANT,
            "2024-01-01T10:00:00+02:00",
            "2024-01-01T10:00:00Z",
            False,
            id="datetime-same-clock-other-instant",
        ),
        pytest.param(DAY, "2024-03-05", "2024-03-05T23:30:00-05:00", True, id="date-vs-datetime"),
        pytest.param(DAY, "2024-03-05", "3/5/2024", True, id="date-us-slashes"),
        pytest.param(DAY, "2024-03-05", "2024-03-06T00:00:00Z", False, id="date-next-day"),
        pytest.param(TEXT, "Acme  Trading", " acme trading ", True, id="text-case-and-spaces"),
        pytest.param(AMOUNT, 10.0, "10.009", True, id="abs-tolerance-inside"),
        pytest.param(AMOUNT, 10.0, 10.02, False, id="abs-tolerance-outside"),
        pytest.param(SHARE, 1000.0, 1000.9, True, id="rel-tolerance-inside"),
        pytest.param(SHARE, 1000.0, 1002.0, False, id="rel-tolerance-outside"),
        pytest.param(PHONE, None, "", True, id="blank-equals-absent"),
    ],
)
def test_values_equal_by_rule(rule: FieldRuleView, expected: Any, actual: Any, equal: bool) -> None:
    assert values_equal(expected, actual, rule) is equal


def test_compare_rules_read_the_mapping_hints(mapping_spec: MappingSpec) -> None:
    rules = {r.path: r for r in compare_rules(mapping_spec)}
    assert (rules["phone"].read_as, rules["phone"].default_region) == ("phone", "US")
    assert rules["addressBook.0.addressBookAddress.country"].read_as == "country"
    assert rules["email"].read_as is None and rules["email"].ignore_case
