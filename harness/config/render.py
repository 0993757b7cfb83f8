"""`render_config`: the `harness.yaml` text that `harness mock-up` writes.

The output is meant to be read and edited by people, so it keeps key order, writes
credential references on one line (`{env: NAME}`) and carries a header explaining them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from harness.config.model import CONFIG_VERSION, Thresholds
from sync.flow import DEFAULT_BATCH_SIZE


class _Inline(dict[str, Any]):
    """A mapping written on one line: `{env: NAME}`."""


class _Dumper(yaml.SafeDumper):
    """A SafeDumper that indents list items under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


_Dumper.add_representer(
    _Inline, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def render_config(
    *,
    systems: Mapping[str, Mapping[str, Any]],
    mapping: str | Path,
    state_path: str | Path = ".harness/state.db",
    reports_dir: str | Path = "reports",
    base_dir: Path | None = None,
    flow: str = "customers",
    source: str = "crm",
    target: str = "erp",
    thresholds: Thresholds | None = None,
    flows: Sequence[Mapping[str, Any]] | None = None,
    written_by: str = "harness mock-up",
) -> str:
    """A ready `harness.yaml` text (what `harness mock-up` writes), readable by `load_config`.

    `systems` maps a name to `vendor`, `base_url` and optionally `ca_path` (None: omitted),
    `credentials` ({name: ENV_VAR}), `options`, `read_only`, `timeout`, `concurrency`,
    `max_retries`, `page_size`.
    With `base_dir` (the folder the file goes to), paths are written relative to it when
    they lie inside it, absolute otherwise; without it they are written as given.
    One flow (`flow`, `mapping`, `source`, `target`) unless `flows` lists several, each as in
    harness.yaml (`name`, `mapping`, `source`, `target`, optionally `batch_size`,
    `depends_on`, `schedule`, ...); then `mapping` is ignored."""

    def where(value: str | Path) -> str:
        if base_dir is None:
            return str(value)
        resolved, base = Path(value).expanduser().resolve(), base_dir.resolve()
        return str(resolved.relative_to(base)) if resolved.is_relative_to(base) else str(resolved)

    def system(raw: Mapping[str, Any]) -> dict[str, Any]:
        spec: dict[str, Any] = {"vendor": raw["vendor"], "base_url": raw["base_url"]}
        if raw.get("ca_path") is not None:
            spec["ca_path"] = where(raw["ca_path"])
        for key, default in (("read_only", False), ("timeout", 30), ("concurrency", 4)):
            spec[key] = raw.get(key, default)
        for key in ("max_retries", "page_size"):  # written only when set: defaults elsewhere
            if raw.get(key) is not None:
                spec[key] = raw[key]
        credentials = raw.get("credentials") or {}
        spec["credentials"] = {
            key: _Inline(env=var["env"] if isinstance(var, Mapping) else var)
            for key, var in credentials.items()
        }
        spec["options"] = _Inline(raw.get("options") or {})
        return spec

    def job(raw: Mapping[str, Any]) -> dict[str, Any]:
        spec = {key: raw[key] for key in ("name", "mapping", "source", "target")}
        spec["mapping"] = where(raw["mapping"])
        spec["batch_size"] = raw.get("batch_size", DEFAULT_BATCH_SIZE)
        if raw.get("depends_on"):
            spec["depends_on"] = list(raw["depends_on"])
        extra = {k: v for k, v in raw.items() if k not in spec and k != "depends_on"}
        return {**spec, **extra}

    jobs = flows or [{"name": flow, "mapping": mapping, "source": source, "target": target}]
    document = {
        "version": CONFIG_VERSION,
        "systems": {name: system(raw) for name, raw in systems.items()},
        "state": _Inline(path=where(state_path)),
        "reports": _Inline(dir=where(reports_dir)),
        "flows": [job(raw) for raw in jobs],
        # Optional checks left unset (None) are not written: absent means not checked.
        "thresholds": {
            k: v for k, v in asdict(thresholds or Thresholds()).items() if v is not None
        },
    }
    header = (
        f"# harness.yaml, written by `{written_by}`; edit freely (schema:\n"
        "# fixtures/schemas/harness.schema.json). Credentials name environment variables\n"
        "# ({env: NAME}); secrets come from the environment or --env-file, never this file.\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return header + body
