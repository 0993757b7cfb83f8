"""Step definitions of hubspot_traps.feature: HubSpot's traps set off while the customer flow
reads the HubSpot -> NetSuite sandbox, through the public surfaces (`Sandbox`, the mock's
admin API and journal, HubSpot's own API as another app of the portal). The shared step
library (`harness.bdd`, through the pytest plugin) supplies the business sentences the other
features use too."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from harness.bdd.steps.common import crm_customers, customers, erp_customer, erp_customers
from harness.sandbox import Sandbox
from sync.engine import RunResult
from tests.vendors.hubspot.hubspot_portal import HubSpotPortal

scenarios(str(Path(__file__).with_name("hubspot_traps.feature")))

SEARCH = "/crm/v3/objects/companies/search"
UPSERT = "/crm/v3/objects/contacts/batch/upsert"
WATCH_POLLS = 3000  # bounded wait for the flow's list calls to reach a count (20 ms apart)


@pytest.fixture
def hubspot(sandbox: Sandbox) -> HubSpotPortal:
    return HubSpotPortal(sandbox)


def _result(ctx: dict[str, Any]) -> RunResult:
    result: RunResult = ctx["run"]
    return result


def _erp_name(box: Sandbox, source_id: str) -> Any:
    return erp_customer(box, source_id).fields.get(customers(box).target_path("name"))


# -- the search cap ----------------------------------------------------------------------------


@given(parsers.parse("HubSpot's search stops at {cap:d} results a query"))
def search_cap(hubspot: HubSpotPortal, scenario_context: dict[str, Any], cap: int) -> None:
    assert hubspot.settings(search_result_cap=cap)["search_result_cap"] == cap
    scenario_context["cap"] = cap


@when(parsers.parse("HubSpot imports {count:d} companies at once"))
@given(parsers.parse("HubSpot holds {count:d} more companies"))
def imported(hubspot: HubSpotPortal, scenario_context: dict[str, Any], count: int) -> None:
    ids = hubspot.import_companies(count)
    assert len(set(ids)) == count
    scenario_context["imported"] = ids


@then(parsers.parse("a search of the window counts {total:d} companies but refuses a page "
                    "starting at result {cap:d}"))  # fmt: skip
def cap_is_armed(hubspot: HubSpotPortal, scenario_context: dict[str, Any], total: int,
                 cap: int) -> None:  # fmt: skip
    # The trap is real: one query holds more than the cap, and offset paging meets a 400
    # at it (the answer's `total` and `paging` said there was more).
    first = hubspot.search_page("companies", 0, limit=1)
    assert first.status_code == 200, first.text
    assert first.json()["total"] == total > cap
    refused = hubspot.search_page("companies", cap)
    assert refused.status_code == 400, refused.text
    assert refused.json()["category"] == "VALIDATION_ERROR"
    assert f"limited to {cap}" in refused.json()["message"]
    scenario_context["journal_since"] = hubspot.journal_mark()


@then(parsers.parse("the run succeeded, creating all {count:d} imported companies and "
                    "holding none"))  # fmt: skip
def created_all(scenario_context: dict[str, Any], count: int) -> None:
    result = _result(scenario_context)
    assert result.status == "succeeded", (result.error, result.quarantined[:3])
    assert (result.counts.created, result.counts.quarantined) == (count, 0)
    assert len(scenario_context["imported"]) == count


@then("the run searched HubSpot without one refused query")
def searched_cleanly(hubspot: HubSpotPortal, scenario_context: dict[str, Any]) -> None:
    since = scenario_context["journal_since"]
    entries = hubspot.journal(since=since, path=SEARCH, limit=200_000, summary=False)["entries"]
    statuses = {e["status"] for e in entries}
    # Keyset windows: each query starts again at offset 0, so none comes near the cap, and
    # the search budget (4 a second) is paced on the client's side.
    assert entries and statuses <= {200}, statuses
    pages = len(scenario_context["imported"]) // 200
    assert len(entries) >= pages  # the window was read in many queries, not one offset walk


# -- late search -------------------------------------------------------------------------------


@given(parsers.parse("HubSpot's search sees a write only {seconds:d} seconds after it is made"))
def search_lag(hubspot: HubSpotPortal, seconds: int) -> None:
    # A wide lag: the run must start well inside it, however busy the machine is.
    assert hubspot.settings(search_lag_seconds=seconds)["search_lag_seconds"] == seconds


@given(parsers.parse("the customer flow's HubSpot reads look back {seconds:d} seconds"))
def lookback(sandbox: Sandbox, seconds: int) -> None:
    sandbox.tune("crm", search_lookback_seconds=seconds)


@when(parsers.parse('a user renames one company in HubSpot to "{name}"'))
def user_renames(sandbox: Sandbox, hubspot: HubSpotPortal, scenario_context: dict[str, Any],
                 name: str) -> None:  # fmt: skip
    target = crm_customers(sandbox)[0]
    scenario_context.update(late_id=target.id, late_old=_erp_name(sandbox, target.id))
    hubspot.rename_company(target.id, name)
    assert hubspot.search_by_name("companies", name) == []  # not indexed yet


@when(parsers.parse('a HubSpot workflow renames another company to "{name}" a moment later, '
                    "and search shows it at once"))  # fmt: skip
def workflow_renames(sandbox: Sandbox, hubspot: HubSpotPortal, scenario_context: dict[str, Any],
                     name: str) -> None:  # fmt: skip
    target = crm_customers(sandbox)[1]
    hubspot.edit_behind_api("companies", target.id, {"name": name})
    scenario_context["first_id"] = target.id
    # Search indexes out of order: the later change is seen, the earlier one is not yet.
    assert hubspot.search_by_name("companies", name) == [target.id]
    stamps = {r["id"]: datetime.fromisoformat(r["modified_at"])
              for r in hubspot.companies_stored()}  # fmt: skip
    assert stamps[target.id] > stamps[scenario_context["late_id"]]


@then(parsers.parse('the run updated only "{name}", and the ERP still holds the late company '
                    "under its old name"))  # fmt: skip
def updated_only_indexed(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    result = _result(scenario_context)
    assert result.status == "succeeded", result.error
    assert (result.counts.updated, result.counts.created) == (1, 0)
    assert _erp_name(sandbox, scenario_context["first_id"]) == name
    assert _erp_name(sandbox, scenario_context["late_id"]) == scenario_context["late_old"]


@when("HubSpot's search catches up")
def search_catches_up(hubspot: HubSpotPortal) -> None:
    assert hubspot.settings(search_lag_seconds=0)["search_lag_seconds"] == 0


@then(parsers.parse('the late company\'s name in the ERP is "{name}"'))
def late_arrived(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    result = _result(scenario_context)
    assert result.status == "succeeded", result.error
    assert result.counts.updated == 1  # the late company; the look-back's overlap is skipped
    assert _erp_name(sandbox, scenario_context["late_id"]) == name


@then("the ERP still holds the late company under its old name")
def late_lost(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = _result(scenario_context)
    assert result.status == "succeeded", result.error
    assert result.counts.updated == 0  # the window began after the late company's stamp
    assert _erp_name(sandbox, scenario_context["late_id"]) == scenario_context["late_old"]


# -- the burst limit ---------------------------------------------------------------------------


@given(parsers.parse("every HubSpot list call takes {ms:d} ms"))
def slow_lists(sandbox: Sandbox, ms: int) -> None:
    # Spreads the read over enough time for the allowance to drop while it runs.
    rule = {"match": {"kind": ["query"]}, "effect": {"type": "latency", "ms": ms}}
    sandbox.set_faults("crm", {"version": 1, "seed": 43, "rules": [rule]})


@when(parsers.parse("the customer flow runs in full while HubSpot's burst allowance drops to "
                    "{limit:d} requests per {seconds:d} seconds after its {nth:d}th list "
                    "call"))  # fmt: skip
def run_with_burst_drop(sandbox: Sandbox, hubspot: HubSpotPortal,
                        scenario_context: dict[str, Any], limit: int, seconds: int,
                        nth: int) -> None:  # fmt: skip
    # The flow has learnt HubSpot's allowance (190 per 10 s) from its first answers; the
    # portal then allows far less (another app's import, a lower tier), so the flow's next
    # calls meet the limit until HubSpot's headers teach it the new window.
    hubspot.clear_journal()
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(sandbox.sync, full=True)
        dropped = False
        for _ in range(WATCH_POLLS):
            if hubspot.calls("query") >= nth:
                hubspot.settings(burst_limit=limit, burst_interval_ms=seconds * 1000)
                dropped = True
                break
            if running.done():
                break
            wait([running], timeout=0.02)
        assert dropped and not running.done(), "the run read HubSpot before the drop"
        scenario_context["run"] = running.result()
    scenario_context["burst"] = (limit, seconds)


@then("the run succeeded and every company arrived")
def all_arrived(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = _result(scenario_context)
    assert result.status == "succeeded", (result.error, result.quarantined[:3])
    assert result.counts.quarantined == 0
    assert result.counts.created == len(scenario_context["imported"])
    external = customers(sandbox).spec.external_id_field
    arrived = {r.fields.get(external) for r in erp_customers(sandbox)}
    assert set(scenario_context["imported"]) <= arrived


@then("HubSpot's journal shows the flow met the lowered allowance and waited as every 429 asked")
def met_and_honoured(hubspot: HubSpotPortal) -> None:
    summary = hubspot.journal(limit=0)["summary"]
    drawn = summary["rate_limited"]
    waits = summary["retry_after"]
    # Met: HubSpot refused at least one call for the window. Honoured: each refused call was
    # sent again, no sooner than its Retry-After said.
    assert drawn >= 1, summary
    assert (waits["retried"], waits["honoured"], waits["ignored"], waits["not_retried"]) == (
        drawn, drawn, 0, 0), waits  # fmt: skip
    asked = [r for r in summary["retry_detail"] if r["after_status"] == 429]
    assert asked and all(r["waited"] >= 1 for r in asked), asked  # the sync slowed down


# -- a duplicate email -------------------------------------------------------------------------


@given(parsers.parse('HubSpot holds a contact "{name}" with the email "{email}" and no ERP id'))
def contact_by_hand(hubspot: HubSpotPortal, scenario_context: dict[str, Any], name: str,
                    email: str) -> None:  # fmt: skip
    first, _, last = name.partition(" ")
    contact_id = hubspot.create_contact({"firstname": first, "lastname": last, "email": email})
    scenario_context.update(contact_id=contact_id, email=email, contact_name=(first, last))


@when(parsers.parse('the ERP\'s contact "{erp_id}" with the email "{email}" is upserted into '
                    "HubSpot through the connector's upsert path, as no shipped flow writes "
                    "HubSpot contacts"))  # fmt: skip
def upsert_duplicate(
    sandbox: Sandbox, hubspot: HubSpotPortal, scenario_context: dict[str, Any], erp_id: str,
    email: str,
) -> None:  # fmt: skip
    # The shipped contacts flow runs CRM -> ERP; an integration sending the ERP's contacts
    # to HubSpot would write them through this same call, by the ERP's unique id.
    first, last = scenario_context["contact_name"]
    record = {"erp_contact_id": erp_id, "email": email, "firstname": first, "lastname": last}
    hubspot.clear_journal()
    with sandbox.connectors() as connectors:
        scenario_context["writes"] = connectors["crm"].upsert("contacts", "erp_contact_id",
                                                              [record])  # fmt: skip
    scenario_context["erp_id"] = erp_id


@then("HubSpot refused the create with 409 naming the existing contact, and the write answered "
      "that contact's id")  # fmt: skip
def linked(hubspot: HubSpotPortal, scenario_context: dict[str, Any]) -> None:
    (written,) = scenario_context["writes"]
    assert written.ok and not written.created, written
    assert written.id == scenario_context["contact_id"]
    refused = hubspot.journal(path=UPSERT, status=409, summary=False)["entries"]
    assert len(refused) == 1, refused


@then(parsers.parse('HubSpot holds one contact with that email, and it carries the ERP id '
                    '"{erp_id}"'))  # fmt: skip
def no_twin(hubspot: HubSpotPortal, scenario_context: dict[str, Any], erp_id: str) -> None:
    email = scenario_context["email"].lower()
    holding = [c for c in hubspot.contacts_stored()
               if str(c["fields"].get("email") or "").lower() == email]  # fmt: skip
    assert [c["id"] for c in holding] == [scenario_context["contact_id"]]
    assert holding[0]["fields"].get("erp_contact_id") == erp_id
