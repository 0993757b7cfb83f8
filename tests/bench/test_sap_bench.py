"""The SAP benchmark's arithmetic and call sorting (its run takes a minute or more)."""

from __future__ import annotations

import math

import pytest

from bench.sap_bench import SAP_PLAN, floor_seconds, kind_of, sap_minimum

ROOT = "https://127.0.0.1:1/sap/opu/odata/sap/API_BUSINESS_PARTNER"


def test_the_minimum_is_a_batch_and_a_lookup_per_hundred_and_one_csrf_fetch() -> None:
    assert sap_minimum(2_000) == 20 + 20 + 1
    assert sap_minimum(101) == 2 + 2 + 1  # a part-filled batch is still one call
    # sap_realistic.yaml: $batch median 1 s (sigma 0.3), other calls 250 ms (sigma 0.35)
    batch, call = math.exp(0.3**2 / 2), 0.25 * math.exp(0.35**2 / 2)
    assert floor_seconds(2_000) == pytest.approx(20 * batch + 21 * call)
    assert SAP_PLAN.name == "sap_realistic.yaml"


@pytest.mark.parametrize(
    ("method", "url", "kind"),
    [
        ("POST", f"{ROOT}/$batch", "batch"),
        ("GET", f"{ROOT}/", "csrf"),
        ("GET", f"{ROOT}/$metadata", "metadata"),
        ("GET", f"{ROOT}/A_BusinessPartner?%24filter=BusinessPartnerIDByExtSystem+eq+%27a%27",
         "lookup"),
        ("GET", f"{ROOT}/A_BusinessPartner?$filter=BusinessPartner eq '1'", "lookup"),
        ("GET", f"{ROOT}/A_BusinessPartner('1')", "other"),
    ],
    ids=["batch", "csrf", "metadata", "encoded-lookup", "lookup", "read"],
)  # fmt: skip
def test_calls_are_sorted_by_what_they_did(method: str, url: str, kind: str) -> None:
    assert kind_of(method, url) == kind
