"""`harness review`: the weekly data-quality review, as Markdown and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness import output
from harness.commands.common import EXIT_OK, ConfigOpt, EnvFileOpt, guarded, load

DaysOpt = Annotated[float, typer.Option("--days", min=1, help="The period to review, in days.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Folder for review.md and .html (default: the reports folder)."),
]


def review(
    config: ConfigOpt = Path("harness.yaml"),
    days: DaysOpt = 7,
    out: OutOpt = None,
    env_file: EnvFileOpt = None,
) -> None:
    """Per flow, the period's runs, accuracy (last and lowest), lag, records held and still
    open by reason, conflicts and data stewards' decisions; read from the state file only."""

    def body() -> int:
        from harness.review import build_review, render_html, render_markdown

        cfg = load(config, env_file)
        made = build_review(cfg, days)
        folder = out or cfg.reports_dir
        folder.mkdir(parents=True, exist_ok=True)
        text = render_markdown(made)
        (folder / "review.md").write_text(text, encoding="utf-8")
        (folder / "review.html").write_text(render_html(made), encoding="utf-8")
        output.console.print(text, markup=False, soft_wrap=True)
        output.info(f"review: {folder / 'review.md'}, {folder / 'review.html'}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("review")(review)
