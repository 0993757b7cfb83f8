"""What a mock pack tells the mock battery about its sandbox.

The battery (`tests/mocks/battery/`) checks every registered mock pack the same way: auth on
every route (odd paths included: a malformed API version must not slip past the gate), error
bodies in the vendor's shape, paging to the end with no loss or duplicate, modified stamps
and change feeds moving on every write, the admin API, and fault-plan effects. The kit gives
the battery what it cannot guess: which routes need no credentials, how the vendor words a
refusal and an error, and sample values for the routes' path parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# (status, lower-cased headers, decoded body or text) -> the answer has the vendor's shape
ShapeCheck = Callable[[int, Mapping[str, str], Any], bool]


@dataclass(frozen=True)
class MockKit:
    """The mock battery's knowledge of one sandbox."""

    objects: tuple[str, ...]  # objects the battery pages and writes through the connector
    public_paths: tuple[str, ...]  # route paths answering without credentials (token, root)
    is_auth_refusal: ShapeCheck  # how the vendor refuses a request without valid credentials
    is_error: ShapeCheck  # any error answer in the vendor's shape
    path_params: Mapping[str, str] = field(default_factory=dict)  # sample values by name
    # Paths the vendor answers 404 (in its error shape) for; the battery checks the shape.
    not_found_paths: tuple[str, ...] = ()


__all__ = ["MockKit", "ShapeCheck"]
