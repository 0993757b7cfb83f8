"""`harness mapping export` and `harness flows`: a flow's field mapping as CSV, XLSX and
Markdown for sign-off, and every configured flow as a matrix and a Mermaid diagram."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness import output
from harness.api import FlowPlan, load_flows, open_connectors
from harness.commands.common import EXIT_OK, ConfigOpt, EnvFileOpt, guarded, load
from sync.errors import ConfigError

if TYPE_CHECKING:
    # The mapping package, its export and the compiler load every transform: the commands
    # below import them when they run, so `harness --help` does not.
    from sync.connectors.base import ObjectSchema
    from sync.mapping import MappingSpec
    from sync.mapping.export import MappingRow

FORMATS = ("csv", "xlsx", "md")
mapping_app = typer.Typer(help="Field mappings, for people to read and sign off.")


def write_xlsx(spec: MappingSpec, rows: list[MappingRow], path: Path) -> Path:
    """One sheet, a header row, flagged pairs filled yellow, the header frozen."""
    # Imported here: openpyxl loads numpy, which only an xlsx export needs.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from sync.mapping.export import MappingRow

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = spec.name[:31]
    sheet.append([h.replace("_", " ") for h in MappingRow.headers()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    flagged = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
    for row in rows:
        sheet.append([getattr(row, h) for h in MappingRow.headers()])
        if row.flags:
            for cell in sheet[sheet.max_row]:
                cell.fill = flagged
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    book.save(path)
    return path


def _describe(
    plan: FlowPlan, config_path: Path, env_file: Path | None
) -> tuple[ObjectSchema, ObjectSchema]:
    cfg = load(config_path, env_file)
    with open_connectors(cfg, read_only=True) as connectors:
        return (
            connectors[plan.config.source].describe(plan.spec.source.object),
            connectors[plan.config.target].describe(plan.spec.target.object),
        )


@mapping_app.command("compile")
def compile_pair(
    crm: Annotated[str, typer.Option(help="The CRM's pack (its profile is read).")],
    erp: Annotated[str, typer.Option(help="The ERP's pack (its profile is read).")],
    flow: Annotated[
        list[str] | None, typer.Option("--flow", help="A business flow (repeat; default all).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the mapping files.")] = Path("mappings"),
) -> None:
    """Compose the two packs' profiles into one mapping file per business flow."""

    def body() -> int:
        from sync.canonical import compile_mappings

        result = compile_mappings(crm, erp, flow or None)
        for compiled, path in zip(result.flows, result.write(out), strict=True):
            after = ", ".join(compiled.depends_on) or "-"
            output.info(f"{path}  ({compiled.flow.source} -> {compiled.flow.target}, "
                        f"after: {after})")  # fmt: skip
        for name, why in result.skipped.items():
            output.warn(f"flow {name} not compiled: {why}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


@mapping_app.command("export")
def export(
    flow: Annotated[str, typer.Option(help="Flow whose mapping to export.")] = "customers",
    formats: Annotated[
        list[str] | None, typer.Option("--format", help="csv, xlsx or md (repeat; default all).")
    ] = None,
    out_dir: Annotated[Path, typer.Option(help="Where the files go.")] = Path("reports"),
    offline: Annotated[
        bool, typer.Option(help="Use the mapping alone: no describe of either system.")
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option(help="A mapping file to export (implies --offline).")
    ] = None,
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
) -> None:
    """Export a flow's field mapping: source and target field, type and length, transforms,
    validation, null handling and owner; pairs that can lose data are flagged."""

    def body() -> int:
        from sync.mapping import load_mapping
        from sync.mapping.export import mapping_rows, rows_to_csv, rows_to_markdown

        chosen = formats or list(FORMATS)
        unknown = sorted(set(chosen) - set(FORMATS))
        if unknown:
            raise ConfigError(f"unknown format(s) {unknown}; choose from {FORMATS}", key="--format")
        source = target = None
        if mapping is not None:
            spec = load_mapping(mapping)
        else:
            (plan,) = load_flows(load(config, env_file), [flow])
            spec = plan.spec
            if not offline:
                source, target = _describe(plan, config, env_file)
        rows = mapping_rows(spec, source, target)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = out_dir / f"mapping-{spec.name}"
        written = []
        if "csv" in chosen:
            written.append(stem.with_suffix(".csv"))
            written[-1].write_text(rows_to_csv(rows), encoding="utf-8")
        if "md" in chosen:
            written.append(stem.with_suffix(".md"))
            written[-1].write_text(rows_to_markdown(spec, rows), encoding="utf-8")
        if "xlsx" in chosen:
            written.append(write_xlsx(spec, rows, stem.with_suffix(".xlsx")))
        _print_rows(spec, rows)
        for path in written:
            output.info(f"written: {path}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _print_rows(spec: MappingSpec, rows: list[MappingRow]) -> None:
    table = Table(title=f"mapping {spec.name}: {spec.source.object} -> {spec.target.object}")
    for col in ("source", "len", "target", "len", "flags"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            escape(r.source_field),
            str(r.source_length or ""),
            escape(r.target_field),
            str(r.target_length or ""),
            f"[yellow]{escape(r.flags)}[/]" if r.flags else "",
        )
    output.console.print(table)


def flows(
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    out_dir: Annotated[Path, typer.Option(help="Where flows.md goes.")] = Path("reports"),
) -> None:
    """Every configured flow as a matrix (flows by systems) and a Mermaid diagram."""

    def body() -> int:
        from sync.mapping.export import FlowInfo, flows_matrix_markdown, flows_mermaid

        plans = load_flows(load(config, env_file))
        infos = [
            FlowInfo(
                p.config.name,
                p.config.source,
                p.spec.source.object,
                p.config.target,
                p.spec.target.object,
                len(p.spec.target_paths),
            )
            for p in plans
        ]
        table = Table(title="flows")
        for col in ("flow", "from", "to", "fields"):
            table.add_column(col)
        for f in infos:
            table.add_row(
                f.name,
                f"{f.source_system}.{f.source_object}",
                f"{f.target_system}.{f.target_object}",
                str(f.fields),
            )
        output.console.print(table)
        diagram = flows_mermaid(infos)
        output.console.print(escape(diagram))
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "flows.md"
        text = f"# Flows\n\n{flows_matrix_markdown(infos)}\n```mermaid\n{diagram}```\n"
        path.write_text(text, encoding="utf-8")
        output.info(f"written: {path}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.add_typer(mapping_app, name="mapping")
    app.command("flows")(flows)
