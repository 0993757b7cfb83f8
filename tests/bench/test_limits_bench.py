"""The realistic-limits benchmark's arithmetic and call attribution (its runs take minutes)."""

from __future__ import annotations

import math

import pytest

from bench.limits_bench import (
    NETSUITE_PLAN,
    SALESFORCE_PLAN,
    CallLog,
    attribute,
    concurrency_limit,
    mean_latency_s,
)


def test_the_maximum_comes_from_the_plans_limits() -> None:
    assert concurrency_limit(NETSUITE_PLAN) == 15
    # lognormal, median 300 ms, sigma 0.35: the mean is median * exp(sigma^2 / 2)
    assert mean_latency_s(NETSUITE_PLAN, "netsuite") == pytest.approx(0.3 * math.exp(0.35**2 / 2))
    assert mean_latency_s(SALESFORCE_PLAN, "salesforce", "query") == pytest.approx(0.15)
    with pytest.raises(ValueError, match="no latency rule"):
        mean_latency_s(SALESFORCE_PLAN, "netsuite")


def test_calls_are_attributed_to_the_records_they_name() -> None:
    log = CallLog()
    erp, crm = log.listener("erp"), log.listener("crm")
    base = "https://127.0.0.1:1/services/rest"
    crm("GET", "https://127.0.0.1:2/services/data/v59.0/query?q=SELECT+Id+FROM+Account", None)
    erp("POST", f"{base}/query/v1/suiteql?limit=1000", b"""{"q": "SELECT id, externalid FROM
        customer WHERE externalid IN ('001A', '001B', 'O''Hara') ORDER BY id"}""")  # fmt: skip
    erp("GET", f"{base}/record/v1/customer/17?expandSubResources=true", None)  # holds 001A
    erp("GET", f"{base}/record/v1/customer/18?expandSubResources=true", None)  # holds 001B
    erp("PUT", f"{base}/record/v1/customer/eid:001A", b"{}")
    crm("PATCH", "https://127.0.0.1:2/services/data/v59.0/sobjects/Account/001000000000002AAA", b"")
    calls = attribute(log, {"001A", "O'Hara"}, {"17": "001A", "18": "001B"})
    assert (calls.record_calls, calls.record_calls_unchanged) == (4, 2)  # customer 18, Account
    assert (calls.lookup_calls, calls.lookup_values_unchanged) == (1, 1)  # 001B
    assert calls.other_calls == 1
    assert calls.by_kind["erp GET record"] == 2
