"""Paging to the end without loss or duplicate: every object of the kit, read through the
connector a small page at a time, gives back exactly the live records the admin snapshot
lists, each once. The page is the sandbox's own (its `page_size` knob) where the pack offers
one, else the one the connector asks for."""

from __future__ import annotations

from collections import Counter

from tests.mocks.battery.support import Sandbox, page_size_knob

PAGE = 7


def test_every_object_pages_to_the_end_without_loss_or_duplicate(sandbox: Sandbox) -> None:
    seeded = sandbox.seed(sandbox.world(seed=11, accounts=24, full_business=True, products=5,
                                        locations=1, contacts_per_company=3))  # fmt: skip
    patch = page_size_knob(sandbox.pack, PAGE)
    if patch is not None:
        sandbox.admin_json("PATCH", "/settings", json=patch)
    conn = sandbox.connector(page_size=None if patch is not None else PAGE)
    for obj in sandbox.kit.objects:
        expected = sandbox.live_ids(obj)
        assert len(expected) > 2 * PAGE, (
            f"{sandbox.name}: the seeded world holds {len(expected)} {obj} records, too few to"
            f" span three pages of {PAGE} (seeded: {seeded})"
        )
        pages = [page for page in conn.read(obj) if page]
        ids = [record.id for page in pages for record in page]
        twice = sorted(i for i, n in Counter(ids).items() if n > 1)
        assert not twice, f"{sandbox.name} {obj}: read more than once: {twice[:10]}"
        assert set(ids) == expected, (
            f"{sandbox.name} {obj}: missing {sorted(expected - set(ids))[:10]},"
            f" unexpected {sorted(set(ids) - expected)[:10]}"
        )
        assert len(pages) >= 3, f"{sandbox.name} {obj}: {len(ids)} records came in {len(pages)}"
        assert max(len(page) for page in pages) <= PAGE, (
            f"{sandbox.name} {obj}: pages of {[len(p) for p in pages]}, asked for {PAGE}"
        )
