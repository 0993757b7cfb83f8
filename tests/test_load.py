"""Binds the load scenarios (tag `@load`, excluded from the default suite; `make load`)."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.timeout(3600)  # a bound for a busy machine, not a speed target

scenarios("load.feature")
