"""SQL LIKE as both mocks evaluate it: SOQL and SuiteQL semantics, in linear time."""

from __future__ import annotations

import pytest

from mocks.like import like

SOQL = {"ignore_case": True, "backslash_escapes": True}
SUITEQL = {"ignore_case": False, "backslash_escapes": False}


@pytest.mark.parametrize(
    ("value", "pattern", "dialect", "expected"),
    [
        pytest.param("Acme Labs", "acme%", SOQL, True, id="soql-prefix-ignores-case"),
        pytest.param("Acme Labs", "acme%", SUITEQL, False, id="suiteql-is-case-sensitive"),
        pytest.param("Acme Labs", "%Labs", SUITEQL, True, id="suffix"),
        pytest.param("Acme Labs", "%me L%", SUITEQL, True, id="infix"),
        pytest.param("Acme Labs", "A%e%s", SUITEQL, True, id="pieces-in-order"),
        pytest.param("Acme Labs", "A%s%e", SUITEQL, False, id="pieces-out-of-order"),
        pytest.param("Acme", "_cme", SUITEQL, True, id="underscore-one-char"),
        pytest.param("Acme", "_me", SUITEQL, False, id="underscore-not-zero-chars"),
        pytest.param("abab", "%a_b", SUITEQL, False, id="fixed-tail-anchored-at-end"),
        pytest.param("abcab", "%a_%b", SUITEQL, True, id="wildcard-piece-earliest-fit"),
        pytest.param("aaa", "a%a%a", SUITEQL, True, id="pieces-may-not-overlap-but-touch"),
        pytest.param("aa", "a%a%a", SUITEQL, False, id="pieces-do-not-overlap"),
        pytest.param("", "%", SUITEQL, True, id="percent-matches-empty"),
        pytest.param("", "_", SUITEQL, False, id="underscore-needs-a-char"),
        pytest.param("Acme", "Acme", SUITEQL, True, id="no-wildcard-is-equality"),
        pytest.param("Acme Inc", "Acme", SUITEQL, False, id="no-wildcard-whole-value"),
        pytest.param("50% Off_Co", r"50\% Off\_%", SOQL, True, id="soql-escaped-wildcards"),
        pytest.param("50x Off_Co", r"50\% Off%", SOQL, False, id="soql-escaped-percent-literal"),
        pytest.param("a\\b", "a\\_", SUITEQL, True, id="suiteql-backslash-is-plain"),
        pytest.param("line1\nline2", "line1%line2", SUITEQL, True, id="percent-spans-newlines"),
        pytest.param("İstanbul", "i_stanbul", SOQL, False, id="fold-keeps-one-char-per-char"),
        pytest.param("İstanbul", "_stanbul", SOQL, True, id="fold-underscore-counts-chars"),
    ],
)  # fmt: skip
def test_like_semantics(value: str, pattern: str, dialect: dict[str, bool], expected: bool) -> None:
    assert like(value, pattern, **dialect) is expected


@pytest.mark.parametrize("dialect", [SOQL, SUITEQL], ids=["soql", "suiteql"])
def test_hundreds_of_percent_signs_against_a_long_value_finish(dialect: dict[str, bool]) -> None:
    # A `.*`-per-`%` regex backtracks through about C(2500, 500) splits here before failing.
    value = "a" * 2_000
    assert like(value, "%" * 500 + "b", **dialect) is False
    assert like(value, "%" * 500 + "a", **dialect) is True
    assert like(value + "b", "%a" * 500 + "%b", **dialect) is True
    assert like(value, "%a" * 2_001 + "%", **dialect) is False
    assert like(value, "%_" * 500 + "%b", **dialect) is False
