"""The files a sandbox writes: its harness.yaml, the mocks' credentials as an env file, the
world's ground-truth manifest, and an earlier sandbox's state file moved aside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from harness.config import render_config
from harness.sandbox.mocks import MockPair, RunningMock
from mocks.world.generator import WorldSettings
from sync.errors import ConfigError

if TYPE_CHECKING:
    from harness.sandbox.flows import FlowDef


def write_config(
    mocks: MockPair,
    path: Path,
    *,
    mapping: Path,
    state_path: Path,
    reports_dir: Path,
    flows: Sequence[FlowDef] | None = None,
    written_by: str = "harness mock-up",
    flow_options: Mapping[str, Mapping[str, Any]] | None = None,
    system_options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """Write a harness.yaml pointing at running mocks; credentials stay as env references.

    The customers flow through `mapping`, or every flow of `flows` (with its `depends_on`;
    a pair's `PairFlows.flows` is the whole integration). `flow_options` adds harness.yaml
    keys to a flow by name (`lookback_seconds`, ...); `system_options` sets a system's
    connection keys (`timeout`, `max_retries`, `concurrency`, `page_size`) or, for any other
    key, one of its `options`. A file that exists and was not written by the harness for
    mocks (a project's own config) is never overwritten."""
    if path.exists() and not _ours(path):
        raise ConfigError(
            f"{path} exists and was not written for mocks (a project's config?); write the"
            " mocks' config elsewhere (--config-out)",
            file=str(path),
        )
    systems = {}
    for role, mock in (("crm", mocks.crm), ("erp", mocks.erp)):
        systems[role] = _system(mock, mocks, (system_options or {}).get(role, {}))
    extra = flow_options or {}
    text = render_config(
        systems=systems,
        mapping=mapping,
        state_path=state_path,
        reports_dir=reports_dir,
        base_dir=path.parent,
        flows=[{**f.as_config(), **extra.get(f.name, {})} for f in flows] if flows else None,
        written_by=written_by,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


_CONNECTION_KEYS = frozenset({"timeout", "max_retries", "concurrency", "page_size"})


def _system(mock: RunningMock, mocks: MockPair, tuned: Mapping[str, Any]) -> dict[str, Any]:
    """One system's entry: where the mock listens, its credentials' variables, and the
    connection settings and options a scenario tuned."""
    given = {k: v for k, v in tuned.items() if k in _CONNECTION_KEYS}
    options = {**mock.vendor.options, **{k: v for k, v in tuned.items() if k not in given}}
    connection = {**mock.vendor.connection, **given}  # what the account allows, unless tuned
    return {
        "vendor": mock.vendor.name,
        "base_url": mock.url,
        "ca_path": str(mocks.tls.ca_path) if mocks.tls else None,
        "credentials": dict(mock.vendor.credentials),
        "options": options,
        **connection,
    }


_MARK = "# harness.yaml, written by `harness "  # what render_config's header starts with


def _ours(path: Path) -> bool:
    """A config the harness wrote for mocks (mock-up or a sandbox), safe to write again."""
    with path.open("rb") as handle:  # bytes: a file that is not UTF-8 is simply not ours
        first = handle.readline()
    return first.startswith(_MARK.encode()) and b"harness init" not in first


def write_env_file(env: Mapping[str, str], path: Path) -> Path:
    """Write the mocks' credentials as KEY=VALUE lines, readable by the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("".join(f"{k}={v}\n" for k, v in sorted(env.items())), encoding="utf-8")
    return path


def write_ground_truth(mocks: MockPair, world: WorldSettings, path: Path) -> Path:
    """The world's settings and every defect each mock injected, as one JSON manifest."""
    manifest = {
        "world": world.to_json(),
        "systems": {
            role: {"vendor": mock.vendor.name, "facts": mock.app.state.mock.ground_truth}
            for role, mock in (("crm", mocks.crm), ("erp", mocks.erp))
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return path


def retire_state(path: Path) -> Path | None:
    """Move an earlier sandbox's state file aside (`state.db` -> `state.previous.db`).

    New mocks hold a new world: that file's crosswalk and watermarks describe systems that are
    gone, and would make the next sync skip records this ERP never received.
    """
    if not path.exists():
        return None
    kept = path.with_name(f"{path.stem}.previous{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{kept}{suffix}").unlink(missing_ok=True)
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{kept}{suffix}")
    return kept


__all__ = ["retire_state", "write_config", "write_env_file", "write_ground_truth"]
