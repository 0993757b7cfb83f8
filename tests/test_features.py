"""Binds every feature file to the shared step library (harness.bdd, via the pytest plugin)."""

from pytest_bdd import scenarios

scenarios("customers.feature")
scenarios("reconcile.feature")
scenarios("audit.feature")
scenarios("governance.feature")
scenarios("incremental.feature")
scenarios("failures.feature")
scenarios("orders.feature")
