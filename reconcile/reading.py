"""Reading both systems for a reconcile: every live record of each, side by side."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from reconcile.prepared import Prepared
from sync.connectors.base import Connector, Record

__all__ = ["ProgressFn", "SnapshotStopped", "snapshot", "snapshot_both"]

ProgressFn = Callable[[str, int], None]


class SnapshotStopped(Exception):
    """A snapshot given up because the read beside it failed or was stopped."""


def snapshot(
    connector: Connector,
    obj: str,
    fields: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    each_page: Callable[[list[Record]], None] | None = None,
) -> dict[str, Record]:
    """Every live record of `obj`, keyed by id (`stop`: give up between pages when set;
    `each_page` is given each page's live records as they come)."""
    records: dict[str, Record] = {}
    pages = connector.read(obj, fields=fields)
    try:
        for page in pages:
            if stop is not None and stop.is_set():
                raise SnapshotStopped(obj)
            live = [record for record in page if not record.deleted]
            for record in live:
                records[record.id] = record
            if each_page is not None:
                each_page(live)
            if progress:
                progress(obj, len(page))
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()  # a reader's own threads (read-ahead, keyset chains) end with it
    return records


Side = tuple[Connector, str, Sequence[str] | None]  # a connector, its object, fields


def snapshot_both(
    source: Side, target: Side, progress: ProgressFn | None = None,
    prepared: Prepared | None = None,
) -> tuple[dict[str, Record], dict[str, Record]]:  # fmt: skip
    """`snapshot` of both sides at once: the target's on a thread of its own while the
    source's is read here. Every record of each is read, as `snapshot` reads it; progress is
    reported from both, one call at a time. Given `prepared`, each side's pages are mapped
    and signed as they come, so the side answering first does its share of the compare
    while the other is still read."""
    lock = threading.Lock()

    def report(obj: str, count: int) -> None:
        assert progress is not None
        with lock:
            progress(obj, count)

    told = report if progress is not None else None
    stop = threading.Event()
    with ThreadPoolExecutor(1, thread_name_prefix="reconcile-target") as pool:
        on_sources, on_targets = (
            (prepared.add_sources, prepared.add_targets) if prepared is not None else (None, None)
        )
        targets = pool.submit(snapshot, *target, told, stop, on_targets)
        try:
            sources = snapshot(*source, told, each_page=on_sources)
        except BaseException:
            # A failed or stopped read ends the target's too, at its next page, rather
            # than leaving the reconcile waiting out a read no one will use.
            stop.set()
            raise
        return sources, targets.result()
