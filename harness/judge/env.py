"""What the judged command is handed: each system's URL, vendor, options and credentials,
and the CA to trust, as environment variables (and a `.env` file for tools that read one).

The names are a contract documented in docs/judge.md:

- `HARNESS_CRM_URL`, `HARNESS_ERP_URL`: the sandboxes' base URLs;
- `HARNESS_CRM_VENDOR`, `HARNESS_ERP_VENDOR`: the packs behind them (`salesforce`, ...);
- `HARNESS_<ROLE>_<OPTION>`: each connector option the sandbox needs (`HARNESS_ERP_ACCOUNT`);
- the connector packs' own credential variables (`HARNESS_SF_CLIENT_ID`, `HARNESS_NS_TOKEN_ID`,
  ...; `harness mock-up` prints the same names);
- `HARNESS_CA_BUNDLE`: the sandboxes' CA certificate, also set as `SSL_CERT_FILE` and
  `REQUESTS_CA_BUNDLE` so SDKs built on httpx or requests trust it unchanged;
- `NO_PROXY`: loopback, so a corporate proxy setting never swallows the calls;
- `HARNESS_WEBHOOK_URL`: with `--webhook`, where the CRM delivers its events
  (`harness.judge.webhooks`).

The mocks' admin token is never handed over: the integration reaches the vendors' APIs
exactly as it would in production, and cannot reach behind them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from harness.sandbox import ADMIN_TOKEN_ENV, Sandbox, write_env_file

CA_BUNDLE_ENV = "HARNESS_CA_BUNDLE"
WORKDIR_ENV = "HARNESS_WORKDIR"
# Variables of the judge's own process the command must not inherit: the admin token would
# let it reach behind the vendor APIs; a CA setting of the caller would override ours.
_WITHHELD = frozenset({ADMIN_TOKEN_ENV, "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"})


def integration_env(box: Sandbox) -> dict[str, str]:
    """The variables naming the sandboxes (no secret of the harness's own)."""
    env: dict[str, str] = {}
    for role, mock in (("crm", box.mocks.crm), ("erp", box.mocks.erp)):
        prefix = f"HARNESS_{role.upper()}_"
        env[prefix + "URL"] = mock.url
        env[prefix + "VENDOR"] = mock.vendor.name
        for option, value in mock.vendor.options.items():
            env[prefix + option.upper()] = str(value)
        env.update(mock.env)  # the connector packs' credential variables
    if box.mocks.tls is not None:
        ca = str(box.mocks.tls.ca_path)
        env.update({CA_BUNDLE_ENV: ca, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca})
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env[WORKDIR_ENV] = str(box.workdir)
    return env


def command_env(box: Sandbox, inherited: Mapping[str, str] | None = None) -> dict[str, str]:
    """The judged command's whole environment: the caller's (less what it must not see)
    with the sandboxes' variables on top."""
    base = dict(os.environ if inherited is None else inherited)
    kept = {k: v for k, v in base.items() if k not in _WITHHELD}
    return {**kept, **integration_env(box)}


def write_dotenv(box: Sandbox, path: Path, extra: Mapping[str, str] | None = None) -> Path:
    """The sandboxes' variables (and `extra`, e.g. `HARNESS_WEBHOOK_URL`) as a `.env` file
    readable by the owner only (mode 0600)."""
    return write_env_file({**integration_env(box), **(extra or {})}, path)


__all__ = ["CA_BUNDLE_ENV", "WORKDIR_ENV", "command_env", "integration_env", "write_dotenv"]
