"""The sync's progress bar moves while the sync runs, not only when a page ends: one page of
the CRM's query can hold the whole run (2,000 records), written in many batches."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from harness import output
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings

ACCOUNTS = 150  # under one CRM query page (2,000), so the read is a single page
BATCH = 50


def test_progress_is_told_as_each_write_batch_lands_and_the_bar_shows_it(
    tmp_path: Path,
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    told: list[int] = []
    with Sandbox.start(tmp_path / "box", WorldSettings(seed=7, accounts=ACCOUNTS)) as box:
        box.use_mapping(box.default_mapping, batch_size=BATCH)
        with output.progress_bar("sync customers", to=terminal) as bar:

            def progress(_event: str, records: int) -> None:
                told.append(records)
                bar.advance(records)

            result = box.sync(progress=progress)
    assert result.counts.read == ACCOUNTS and result.counts.created == ACCOUNTS
    assert [n for n in told if n] == [BATCH] * (ACCOUNTS // BATCH)
    shown = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) records", screen.getvalue())]
    assert any(0 < n < ACCOUNTS for n in shown), shown
    assert max(shown) == ACCOUNTS
