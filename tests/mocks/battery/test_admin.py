"""The admin API every sandbox serves under `/__harness/`: seed, reset, snapshot, change feed
and ground truth answer with the admin token, and refuse (401) without it or with a wrong
one, leaving the store as it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mocks.battery.support import Sandbox

WORLD = {"seed": 5, "accounts": 6}


def _calls(sandbox: Sandbox) -> list[tuple[str, str, dict[str, Any]]]:
    world = sandbox.world(**WORLD).to_json()
    return [
        ("POST", "/seed", {"json": world}),
        ("POST", "/reset", {}),
        ("GET", "/snapshot", {}),
        ("GET", "/changes", {"params": {"since": 0}}),
        ("GET", "/ground-truth", {}),
        ("GET", "/faults", {}),
        ("GET", "/settings", {}),
    ]


@pytest.mark.parametrize("token", [None, "battery-wrong-token"], ids=["no-token", "wrong-token"])
def test_admin_api_refuses_without_the_token(sandbox: Sandbox, token: str | None) -> None:
    sandbox.seed(sandbox.world(**WORLD))
    before = sandbox.snapshot()
    for method, path, kw in _calls(sandbox):
        response = sandbox.admin(method, path, token=token, **kw)
        assert response.status_code == 401, (method, path, response.status_code, response.text)
    assert sandbox.snapshot() == before, f"{sandbox.name}: a refused admin call changed the store"


def test_admin_api_answers_with_the_token(sandbox: Sandbox) -> None:
    seeded = sandbox.seed(sandbox.world(**WORLD))
    counts = {obj: n for obj, n in seeded["seeded"].items() if n}
    assert counts, f"{sandbox.name}: seeding a world of {WORLD} stored nothing: {seeded}"
    snapshot = sandbox.snapshot()
    live = {obj: sum(1 for r in rows if not r["deleted"])
            for obj, rows in snapshot["objects"].items()}  # fmt: skip
    for obj, n in counts.items():
        assert live.get(obj) == n, f"{sandbox.name}: seeded {n} {obj}, snapshot holds {live}"
    assert snapshot["last_seq"] == sandbox.last_seq()
    truth = sandbox.admin_json("GET", "/ground-truth")
    assert isinstance(truth["facts"], list)
    assert sandbox.admin_json("POST", "/reset") == {"reset": True}
    emptied = sandbox.snapshot()
    assert not any(rows for rows in emptied["objects"].values()), emptied
    assert emptied["last_seq"] == 0 and sandbox.changes(0) == []
    assert sandbox.admin_json("GET", "/ground-truth")["facts"] == []


def test_seeding_a_world_for_an_unknown_pair_is_refused_and_keeps_the_store(
    sandbox: Sandbox,
) -> None:
    """A world naming a pack no registry knows is a 400 naming the known ones, before the
    store is reset."""
    sandbox.seed(sandbox.world(**WORLD))
    before = sandbox.snapshot()
    world = {**sandbox.world(**WORLD).to_json(), "crm": "no-such-crm"}
    answer = sandbox.admin("POST", "/seed", json=world)
    assert answer.status_code == 400, answer.text
    assert "no-such-crm" in answer.text and "known" in answer.text
    assert sandbox.snapshot() == before
