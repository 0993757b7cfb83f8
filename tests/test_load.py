"""Binds the load scenarios (tag `@load`, excluded from the default suite; `make load`)."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.timeout(1800)

scenarios("load.feature")
