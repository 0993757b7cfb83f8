"""The sync and reconcile figures over HTTP: `harness mock-up` in its own process, as a vendor.

A full sync of a freshly seeded world, a reconcile of it (read both + compare), and an
unchanged re-run that must write nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from harness.api import run_reconcile, run_sync
from harness.config import HarnessConfig, load_config, load_env_file

# The line `harness mock-up` prints once the mocks serve and their env file is written (the
# credentials themselves are printed only with --show-secrets; they are read from the file).
READY_LINE = "pass --env-file"


@contextmanager
def mocks_process(
    workdir: Path,
    accounts: int,
    seed: int,
    *,
    faults: Path | None = None,
    systems: dict[str, dict[str, object]] | None = None,
    crm: str | None = None,
    erp: str | None = None,
) -> Iterator[HarnessConfig]:
    """`harness mock-up` in a child process; yields the config it wrote, stops it after.

    `faults` is a fault plan for both mocks; `systems` overrides connection settings in the
    written config per system name (e.g. `{"netsuite": {"concurrency": 15}}`); `crm` and
    `erp` choose the pair (default: the reference pair)."""
    with mockup(workdir, accounts, seed, faults=faults, crm=crm, erp=erp) as environ:
        if systems:
            _override_systems(workdir / "harness.yaml", systems)
        yield load_config(workdir / "harness.yaml", environ)


@contextmanager
def mockup(
    workdir: Path,
    accounts: int,
    seed: int,
    *,
    faults: Path | None = None,
    crm: str | None = None,
    erp: str | None = None,
) -> Iterator[dict[str, str]]:
    """`harness mock-up` running in a child process until the context ends (SIGTERM);
    yields the environment its credentials are in (`.harness/mock.env`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    pair = [*(["--crm", crm] if crm else []), *(["--erp", erp] if erp else [])]
    plan = ["--faults", str(faults)] if faults is not None else []
    command = [sys.executable, "-m", "harness.cli", "mock-up", *pair, "--accounts",
               str(accounts), "--seed", str(seed), "--workdir", ".harness", "--config-out",
               "harness.yaml", *plan]  # fmt: skip
    with subprocess.Popen(
        command, cwd=workdir, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as proc:
        try:
            assert proc.stdout is not None
            seen = []
            for line in proc.stdout:
                seen.append(line)
                if READY_LINE in line:
                    break
            else:
                raise RuntimeError("harness mock-up exited early:\n" + "".join(seen))
            yield {**env, **load_env_file(workdir / ".harness" / "mock.env")}
        finally:
            # SIGTERM, which mock-up handles: a shell's background job ignores SIGINT, and
            # the child would then never stop. Killed if it does not stop in time.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def _override_systems(path: Path, systems: dict[str, dict[str, object]]) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, settings in systems.items():
        document["systems"][name].update(settings)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def bench_once(accounts: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, mocks_process(Path(tmp), accounts, seed) as config:
        started = time.perf_counter()
        result = run_sync(config, "customers", full=True)
        sync_s = time.perf_counter() - started
        if result.counts.created != accounts:
            raise RuntimeError(f"expected {accounts} creates, got {result.counts}")
        started = time.perf_counter()
        report, _ = run_reconcile(config, write=False)
        reconcile_s = time.perf_counter() - started
        (flow,) = report.flows
        if flow.equal != accounts:
            raise RuntimeError(f"reconcile found differences: {flow.root_causes}")
        started = time.perf_counter()
        again = run_sync(config, "customers", full=True)
        rerun_s = time.perf_counter() - started
        return {
            "sync_s": sync_s,
            "accounts_per_s": accounts / sync_s,
            "sync_calls": float(result.source_calls + result.target_calls),
            "calls_per_account": (result.source_calls + result.target_calls) / accounts,
            "reconcile_s": reconcile_s,
            "pairs_per_s": flow.matched / reconcile_s,
            "rerun_s": rerun_s,
            "rerun_writes": float(again.counts.written),
        }


LABELS = {
    "accounts_per_s": "full sync, accounts/s",
    "sync_s": "full sync, seconds",
    "calls_per_account": "full sync, API calls per account",
    "pairs_per_s": "reconcile (read both + compare), pairs/s",
    "reconcile_s": "reconcile, seconds",
    "rerun_s": "unchanged re-run, seconds",
    "rerun_writes": "unchanged re-run, writes",
}
