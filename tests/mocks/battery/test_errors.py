"""Error bodies in the vendor's shape: an unknown object, record id, sublist or API version,
asked for with valid credentials, answers a 4xx the kit's `is_error` accepts. The paths are
the kit's `not_found_paths` (404 each) and, for every GET route with path parameters, the
route with its last parameter set to a value nothing holds."""

from __future__ import annotations

from tests.mocks.battery.support import UNKNOWN, Sandbox


def test_unknown_objects_and_ids_answer_in_the_vendor_error_shape(sandbox: Sandbox) -> None:
    sandbox.seed(sandbox.world(seed=3, accounts=3))
    conn = sandbox.connector()
    kit = sandbox.kit
    problems: list[str] = []
    for path in kit.not_found_paths:
        answer = sandbox.request("GET", path, headers=sandbox.signed(conn, "GET", path))
        if answer.status != 404 or not kit.is_error(answer.status, answer.headers, answer.body):
            problems.append(f"GET {path} (a kit's not-found path): {answer.brief()}")
    built = 0
    for route in sandbox.vendor_routes():
        if "GET" not in route.methods or not route.params:
            continue
        path = route.fill(kit.path_params, **{route.params[-1]: UNKNOWN})
        answer = sandbox.request("GET", path, headers=sandbox.signed(conn, "GET", path))
        built += 1
        if not 400 <= answer.status < 500 or not kit.is_error(
            answer.status, answer.headers, answer.body
        ):
            problems.append(f"GET {path} (unknown {route.params[-1]}): {answer.brief()}")
    assert kit.not_found_paths or built, f"{sandbox.name}: no path to ask for the unknown"
    assert not problems, (
        f"{sandbox.name}: answers that are not a 4xx in the vendor's error shape:\n"
        + "\n".join(problems)
    )
