"""The standard customer and reconcile scenarios, word for word, for a second integration:
the toy CRM (a pack defined only under tests/) -> NetSuite. The feature files are the ones
`tests/test_features.py` runs for Salesforce -> NetSuite; only the pair differs."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

TOY_PAIR = ("toy", "netsuite")


@pytest.fixture(scope="session")
def harness_pair() -> tuple[str, str]:
    """This module's scenarios run against the toy CRM and the NetSuite sandbox."""
    return TOY_PAIR


scenarios("customers.feature", "reconcile.feature")
