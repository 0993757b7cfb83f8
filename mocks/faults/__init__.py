"""Fault plans for the mock vendor servers: reproducible failures, deterministic by seed.

A plan (YAML file, or JSON through `PUT /__harness/faults`; schema in
`fixtures/schemas/fault-plan.schema.json`)::

    version: 1
    seed: 7                      # seeds every draw: rates, latencies, failed batch records
    settings:                    # per vendor, patched into the mock's runtime settings
      netsuite: {max_concurrent: 5, on_overflow: truncate}
      salesforce: {daily_api_limit: 5000}
    rules:                       # in order; every rule counts the requests it matches
      - name: storm
        match:                   # all optional; absent = every request
          vendor: salesforce     # only on this vendor's mock (absent: on every mock)
          methods: [GET, POST]
          path: /services/data/*/query*          # glob on the URL path
          kind: [query, read]    # any | auth | describe | query | read | write | other
        when:                    # all optional and ANDed, on the n-th matching request
          rate: 0.1              # seeded draw per matching request
          nth: [3, 7]            # exactly these
          first: 2               # n <= 2 (fail, then succeed)
          after: 5               # n > 5
          times: 3               # fire at most 3 times in all
        effect: {type: error, status: 503}

One file serves both mocks of a pair: each runs the rules without `match.vendor` plus its
own, and the `settings` section under its name. Effects (parameters in the schema):

- `latency` (ms | min_ms+max_ms | median_ms+sigma): the call's response time, counted from
  the request's arrival and served before the response starts, so the request stays in
  flight; the mock's own work is part of it (as a vendor's is), work that outlasts it is
  not shortened; latencies of several firing rules add up;
- terminal, the first firing one answers: `error` (status, code, message, retry_after, in
  the vendor's body), `rate_limit` (style auto/concurrency -> 429 with Retry-After and the
  vendor body; daily -> Salesforce 403 REQUEST_LIMIT_EXCEEDED with Sforce-Limit-Info;
  hubspot), `window_limit` (max per interval_ms, 429 with X-HubSpot-RateLimit-* headers
  once over), `hang` (seconds <= 300, then gateway_timeout (504) or reset), `reset`
  (connection closed with no response), `malformed_json` (200, body not JSON);
- wrapping the real answer: `truncated_json` (keep a share of the body), `partial_batch`
  and `duplicate_rule` (Salesforce collections), `late_visibility` (recent changes left
  out of query/list pages), `paging_drift` (NetSuite: records from pages already read are
  deleted before the next offset page);
- lasting, from the request it fires on until the plan is cleared: `token_expiry`
  (Salesforce: every access token revoked until the client re-authenticates; NetSuite: the
  next `requests` signed requests get 401 INVALID_LOGIN) and `schema_drift` (object, field,
  and one of rename / remove / retype, shown in describe, records, queries and writes).

Every injected fault is appended to the mock's ground truth as `kind: "fault"` with the
rule, effect, method, path and request `seq`; traps (`POST /__harness/traps`) as `kind:
"trap"`. `/__harness/` requests are never faulted.
"""

from __future__ import annotations

from mocks.faults.install import apply_plan, install_faults
from mocks.faults.plan import FaultPlan, Rule
from mocks.faults.runtime import FaultRuntime
from mocks.faults.traps import TrapError, TrapRequest, set_trap
from mocks.faults.validate import PlanError, load_plan, parse_plan

__all__ = [
    "FaultPlan",
    "FaultRuntime",
    "PlanError",
    "Rule",
    "TrapError",
    "TrapRequest",
    "apply_plan",
    "install_faults",
    "load_plan",
    "parse_plan",
    "set_trap",
]
