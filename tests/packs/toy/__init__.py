"""Toy CRM: an invented small CRM with one object (`clients`), written as a real vendor is.

`toy.mock` is its sandbox (a REST API over the shared `RecordStore`, admin API and fault
middleware); `toy.connector` is its client side, written independently of the mock (no import
between the two), with its profile of the canonical `customer` and its conformance kit.
"""
