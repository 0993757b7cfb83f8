"""A profile report as files: JSON (the model as it is) and Markdown (for a person)."""

from __future__ import annotations

from pathlib import Path

import orjson

from reconcile.profile.model import ProfileReport

TOP_ISSUES = 50


def report_stem(report: ProfileReport) -> str:
    return f"profile-{report.system}-{report.object}"


def write_profile_reports(report: ProfileReport, directory: Path) -> dict[str, Path]:
    """Write `profile-<system>-<object>.json` and `.md` into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report)
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return {"json": json_path, "markdown": md_path}


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", "\\n")


def render_markdown(report: ProfileReport) -> str:
    lines = [
        f"# Data-quality profile: {report.system} {report.object} ({report.vendor})",
        "",
        f"**Score: {report.score:.1%}** over {report.records:,} records "
        f"(generated {report.generated_at}).",
        "",
        "| dimension | score |",
        "|---|---:|",
        *(f"| {k} | {v:.2%} |" for k, v in report.dimensions.items()),
        "",
        "## Findings",
        "",
        "| kind | count |",
        "|---|---:|",
        *(f"| {k} | {v:,} |" for k, v in report.issue_counts().items()),
        "",
        "## Fields",
        "",
        "| field | type | length | required | complete | distinct | format | conformity "
        "| dominant style | limit | over limit | max length |",
        "|---|---|---:|---|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    for f in report.fields:
        lines.append(
            f"| {f.name} | {f.type} | {f.length or ''} | {'yes' if f.required else ''} "
            f"| {f.completeness:.1%} | {f.distinct:,} | {f.semantic} | {f.conformity:.1%} "
            f"| {f.dominant_style or ''} | {f.limit or ''} | {f.over_limit} | {f.max_seen} |"
        )
    lines += ["", f"## Duplicate clusters ({len(report.duplicates)})", ""]
    if report.duplicates:
        lines += ["| records | names | score | shared |", "|---|---|---:|---|"]
        for g in report.duplicates[:TOP_ISSUES]:
            lines.append(
                f"| {', '.join(g.record_ids)} | {_cell(' / '.join(g.names))} | {g.score:.0f} "
                f"| {', '.join(g.reasons)} |"
            )
    others = [i for i in report.issues if i.kind != "duplicate"]
    lines += ["", f"## First {min(TOP_ISSUES, len(others))} of {len(others)} field findings", ""]
    if others:
        lines += ["| record | field | kind | detail | value |", "|---|---|---|---|---|"]
        for i in others[:TOP_ISSUES]:
            lines.append(
                f"| {i.record_id} | {i.field} | {i.kind} | {_cell(i.detail)} "
                f"| {_cell(i.value if i.value is not None else '')} |"
            )
    return "\n".join(lines) + "\n"
