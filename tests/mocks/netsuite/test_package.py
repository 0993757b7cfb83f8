"""The public API of `mocks.netsuite` is pinned."""

from __future__ import annotations

import mocks.netsuite


def test_public_api() -> None:
    assert sorted(mocks.netsuite.__all__) == [
        "NetSuiteMockConfig",
        "PACK",
        "create_app",
        "seed_netsuite",
    ]


def test_app_carries_the_mock_context() -> None:
    app = mocks.netsuite.create_app()
    ctx = app.state.mock
    assert ctx.vendor == "netsuite" and ctx.admin_token == "harness-admin"
    assert set(ctx.settings) == {
        "max_lengths",
        "on_overflow",
        "max_concurrent",
        "date_format",
        "advertise_max_lengths",
    }
    assert ctx.store.count("subsidiary") == 5
