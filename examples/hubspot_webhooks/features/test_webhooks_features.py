"""Binds the feature files beside this module to the harness's step library (the pytest
plugin installed with the harness provides the steps and the sandboxes)."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).resolve().parent))
