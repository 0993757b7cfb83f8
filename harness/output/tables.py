"""Tables that stay readable at any width: ids a user copies are never cut or wrapped.

A rich table squeezed into 80 columns folds every cell, so a run id comes out as three
pieces and a quarantine id as two; nobody can copy them. `print_rows` draws a table when its
natural width fits the console, and otherwise one block per row (its first cell, then one
`label  value` line per other cell, never broken by rich), which fits any width and reads as
well piped. Put the id or name a row is known by first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

# A cell's padding (one space each side) and its left border; the table adds one more border.
_CELL_CHROME = 3


@dataclass(frozen=True)
class Column:
    """One column. `copyable`: an id a user copies into the next command, kept whole."""

    header: str
    justify: Literal["left", "right"] = "left"
    copyable: bool = False


def _plain(cell: str) -> str:
    return Text.from_markup(cell).plain


def natural_width(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> int:
    """The width the table needs for every cell to sit on one line."""
    total = 1
    for i, column in enumerate(columns):
        widest = max((cell_len(_plain(row[i])) for row in rows), default=0)
        total += max(widest, cell_len(column.header)) + _CELL_CHROME
    return total


def print_rows(
    console: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
) -> None:
    """Rows of rich-markup cells (escape user data first) as a table, or as blocks when the
    table would not fit the console's width."""
    if natural_width(columns, rows) <= console.width:
        console.print(_table(title, columns, rows))
    else:
        _print_blocks(console, title, columns, rows)


def _table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column.header, justify=column.justify, no_wrap=column.copyable)
    for row in rows:
        table.add_row(*row)
    return table


def _print_blocks(
    console: Console, title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]
) -> None:
    # soft_wrap: rich never breaks these lines, so an id stays whole even in a pipe.
    console.print(f"[bold]{escape(title)}[/]", soft_wrap=True)
    width = max((cell_len(c.header) for c in columns[1:]), default=0)
    for row in rows:
        console.print(f"- [bold]{row[0]}[/]", soft_wrap=True)
        for column, cell in zip(columns[1:], row[1:], strict=True):
            console.print(f"    {escape(column.header):<{width}}  {cell}", soft_wrap=True)
