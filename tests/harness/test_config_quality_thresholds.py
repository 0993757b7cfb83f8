"""The optional quality thresholds of harness.yaml: absent means not checked."""

from __future__ import annotations

import pytest

from harness.config import ConfigValidationError, Thresholds, load_config
from harness.config.render import render_config
from tests.harness.test_config import ENV, VALID, Write, _systems, write  # noqa: F401  (a fixture)

OPTIONAL = """\
  min_completeness: 0.995
  min_uniqueness: 1
  max_lag_p95_seconds: 300
"""


def test_optional_quality_thresholds_load(write: Write) -> None:  # noqa: F811
    config = load_config(write(VALID + OPTIONAL), ENV)
    assert config.thresholds == Thresholds(
        record_accuracy=0.98,
        max_quarantined=3,
        min_completeness=0.995,
        min_uniqueness=1,
        max_lag_p95_seconds=300,
    )


def test_quality_thresholds_default_to_not_checked(write: Write) -> None:  # noqa: F811
    thresholds = load_config(write(VALID), ENV).thresholds
    assert (thresholds.min_completeness, thresholds.min_uniqueness) == (None, None)
    assert thresholds.max_lag_p95_seconds is None


@pytest.mark.parametrize(
    ("line", "key"),
    [
        pytest.param("  min_completeness: 1.5\n", "thresholds.min_completeness", id="ratio-over-1"),
        pytest.param(
            "  max_lag_p95_seconds: -1\n", "thresholds.max_lag_p95_seconds", id="negative-lag"
        ),
        pytest.param("  min_uniquenes: 1\n", "min_uniquenes", id="misspelt"),
    ],
)
def test_bad_quality_thresholds_are_refused(write: Write, line: str, key: str) -> None:  # noqa: F811
    with pytest.raises(ConfigValidationError) as caught:
        load_config(write(VALID + line), ENV)
    assert key in str(caught.value)


def test_a_written_config_leaves_unset_checks_out_and_round_trips_set_ones(
    write: Write,  # noqa: F811
) -> None:
    unset = render_config(systems=_systems(None), mapping="mappings/customers.yaml")
    assert "min_completeness" not in unset and "max_lag_p95_seconds" not in unset
    limits = Thresholds(min_uniqueness=0.99, max_lag_p95_seconds=60.0)
    text = render_config(
        systems=_systems(None), mapping="mappings/customers.yaml", thresholds=limits
    )
    config = load_config(write(text), {"MY_SF_ID": "id", "MY_SF_SECRET": "s", "MY_NS_SECRET": "n"})
    assert config.thresholds == limits
