"""The shadow-mode report: what a live run would write, and how far production already agrees.

A shadow run reads both systems and records the writes it would make (`planned_changes` in the
state store) without touching the target. This module turns those planned changes into a
frozen report model - creates, updates with each field's before -> after, the source records
needing no write - and renders it as JSON and Markdown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from sync.mapping import get_path
from sync.state import PlannedChange, RunInfo

CHANGES_IN_MARKDOWN = 50


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any  # what the target holds now (None for a create)
    after: Any  # what the live run would write


@dataclass(frozen=True)
class PlannedRecord:
    action: str  # "create" or "update"
    source_id: str
    external_id: str
    target_id: str | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ShadowReport:
    run_id: str
    flow: str
    mode: str
    status: str
    started_at: str
    read: int  # source records the run read
    would_create: int
    would_update: int
    unchanged: int  # already in the target as the mapping predicts: no write needed
    quarantined: int  # would be held back, not written
    field_updates: dict[str, int]  # target path -> records whose value would change
    records: tuple[PlannedRecord, ...]

    @property
    def agreement(self) -> float:
        """Share of the source records read that need no write: production already agrees."""
        return self.unchanged / self.read if self.read else 1.0

    @property
    def would_write(self) -> int:
        return self.would_create + self.would_update

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["agreement"] = self.agreement
        data["would_write"] = self.would_write
        return data


def build_shadow_report(run: RunInfo, planned: Sequence[PlannedChange]) -> ShadowReport:
    """The report of one dry-run or shadow run from its run row and planned changes."""
    records = tuple(_planned_record(p) for p in planned)
    actions = Counter(r.action for r in records)
    fields = Counter(c.path for r in records if r.action == "update" for c in r.changes)
    counts = run.counts
    read = int(counts.get("read", 0))
    quarantined = int(counts.get("quarantined", 0))
    unchanged = int(counts.get("unchanged", 0)) + int(counts.get("in_sync", 0))
    return ShadowReport(
        run_id=run.run_id,
        flow=run.flow,
        mode=str(run.mode),
        status=str(run.status),
        started_at=run.started_at.isoformat(timespec="seconds"),
        read=read,
        would_create=actions["create"],
        would_update=actions["update"],
        unchanged=unchanged,
        quarantined=quarantined,
        field_updates=dict(sorted(fields.items(), key=lambda kv: (-kv[1], kv[0]))),
        records=records,
    )


def _planned_record(change: PlannedChange) -> PlannedRecord:
    before: Mapping[str, Any] = change.before or {}
    after: Mapping[str, Any] = change.after or {}
    return PlannedRecord(
        action=str(change.action),
        source_id=change.source_id,
        external_id=change.external_id,
        target_id=change.target_id,
        changes=tuple(
            FieldChange(
                path,
                get_path(dict(before), path) if change.before is not None else None,
                get_path(dict(after), path),
            )
            for path in change.fields
        ),
    )


# -- renderers ---------------------------------------------------------------------------------


def render_shadow_json(report: ShadowReport) -> bytes:
    return orjson.dumps(
        report.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS, default=str
    )


def render_shadow_markdown(report: ShadowReport) -> str:
    lines = [
        f"# Shadow run {report.run_id}: {report.would_write} write(s) planned",
        "",
        f"Flow `{report.flow}`, {report.mode} run started {report.started_at} ({report.status}).",
        "",
        f"Production already agrees on **{report.agreement:.2%}** of the {report.read} source "
        "records read: they need no write.",
        "",
        "| read | would create | would update | unchanged | quarantined |",
        "|---:|---:|---:|---:|---:|",
        f"| {report.read} | {report.would_create} | {report.would_update} | {report.unchanged} "
        f"| {report.quarantined} |",
    ]
    if report.field_updates:
        lines += ["", "## Fields the updates change", "", "| field | records |", "|---|---:|"]
        lines += [f"| `{path}` | {n} |" for path, n in report.field_updates.items()]
    if report.records:
        shown = report.records[:CHANGES_IN_MARKDOWN]
        lines += [
            "",
            f"## Planned writes ({len(shown)} of {len(report.records)})",
            "",
            "| action | external id | target id | changes |",
            "|---|---|---|---|",
        ]
        for rec in shown:
            if rec.action == "create":
                changes = f"new record, {len(rec.changes)} field(s)"
            else:
                changes = "<br>".join(
                    f"`{c.path}`: {_cell(repr(c.before))} -> {_cell(repr(c.after))}"
                    for c in rec.changes
                )
            lines.append(
                f"| {rec.action} | {rec.external_id} | {rec.target_id or ''} | {changes} |"
            )
    return "\n".join(lines) + "\n"


def write_shadow_reports(report: ShadowReport, directory: Path) -> dict[str, Path]:
    """Write `shadow-<run id>.json` and `.md` under `directory`; returns the paths by format."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"shadow-{report.run_id}"
    paths = {"json": directory / f"{stem}.json", "markdown": directory / f"{stem}.md"}
    paths["json"].write_bytes(render_shadow_json(report))
    paths["markdown"].write_text(render_shadow_markdown(report), encoding="utf-8")
    return paths


def _cell(text: str, limit: int = 80) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "FieldChange",
    "PlannedRecord",
    "ShadowReport",
    "build_shadow_report",
    "render_shadow_json",
    "render_shadow_markdown",
    "write_shadow_reports",
]
