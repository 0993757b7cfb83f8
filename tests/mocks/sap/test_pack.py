"""The pack's registry pieces: knobs, the conformance kit, the fault dialect (kinds, SAP
error bodies, token expiry through a fault plan)."""

from __future__ import annotations

import pytest
import yaml
from fastapi import FastAPI

from mocks.registry import PackError, mock_pack
from mocks.sap.conformance import KIT
from mocks.sap.faults import DIALECT
from tests.mocks.sap.support import ADMIN, BP, TestClient
from tests.paths import ROOT


def test_knobs_map_to_settings() -> None:
    pack = mock_pack("sap")
    assert pack.settings_for("page_size", 50) == {"page_size": 50}
    assert pack.settings_for("truncate_overflow", True) == {"on_overflow": "truncate"}
    patch = pack.settings_for(
        "silent_truncation", {"A_BusinessPartner": {"OrganizationBPName1": 20}}
    )
    assert patch["silent_truncation"] == {"A_BusinessPartner.OrganizationBPName1": 20}
    with pytest.raises(ValueError, match="unknown entity set"):
        pack.settings_for("silent_truncation", {"Nope": {"x": 1}})
    with pytest.raises(PackError):
        pack.settings_for("no_such_knob", 1)


def test_silent_truncation_cuts_and_hides_limits(client: TestClient, app: FastAPI) -> None:
    patch = mock_pack("sap").settings_for(
        "silent_truncation", {"A_BusinessPartner": {"OrganizationBPName1": 5}}
    )
    client.patch("/__harness/settings", json=patch, headers=ADMIN)
    made = client.post(
        f"{BP}/A_BusinessPartner",
        json={"BusinessPartnerCategory": "2", "OrganizationBPName1": "Truncated Name"},
    ).json()["d"]
    assert made["OrganizationBPName1"] == "Trunc"
    assert 'MaxLength="' not in client.get(f"{BP}/$metadata").text
    assert any(t["kind"] == "silent_truncation" for t in app.state.mock.ground_truth)


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/sap/bc/sec/oauth2/token", "auth"),
        ("GET", f"{BP}/$metadata", "describe"),
        ("GET", f"{BP}/", "describe"),
        ("GET", f"{BP}/A_BusinessPartner", "query"),
        ("GET", f"{BP}/A_BusinessPartner('1')", "read"),
        ("POST", f"{BP}/A_BusinessPartner", "write"),
        ("POST", f"{BP}/$batch", "write"),
        ("GET", "/elsewhere", "other"),
    ],
)
def test_dialect_sorts_requests_by_kind(method: str, path: str, kind: str) -> None:
    assert DIALECT.kind(method, path) == kind


def test_dialect_errors_are_in_sap_shape() -> None:
    for status in (400, 401, 404, 429, 500, 503):
        body, headers = DIALECT.error(status, None, None)
        assert KIT.is_error(status, {k.decode(): v.decode() for k, v in headers}, body)


def test_token_expiry_fault_revokes_and_refuses(client: TestClient) -> None:
    plan = {
        "version": 1,
        "rules": [
            {
                "name": "expire",
                "match": {"vendor": "sap", "kind": ["query"]},
                "when": {"nth": [1]},
                "effect": {"type": "token_expiry", "requests": 1},
            }
        ],
    }
    assert client.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    refused = client.get(f"{BP}/A_BusinessPartner")
    assert refused.status_code == 401 and KIT.is_auth_refusal(
        401, {k.lower(): v for k, v in refused.headers.items()}, refused.json()
    )
    assert client.get(f"{BP}/A_BusinessPartner").status_code == 200  # Basic logs on again
    response = client.post(f"{BP}/A_BusinessPartner", json={"BusinessPartnerCategory": "2"})
    assert response.status_code == 403  # the CSRF token went with the expiry


def test_realistic_fault_plan_applies(client: TestClient) -> None:
    plan = yaml.safe_load((ROOT / "fixtures/faults/sap_realistic.yaml").read_text())
    plan["rules"] = [r for r in plan["rules"] if r["effect"]["type"] != "latency"]
    plan["rules"][0]["when"] = {"nth": [1]}  # the 503 now, not one time in 500
    assert client.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    busy = client.get(f"{BP}/A_BusinessPartner")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "2"
    assert busy.json()["error"]["code"] == "/IWFND/CM_MGW/503"
    assert client.get(f"{BP}/A_BusinessPartner").status_code == 200
