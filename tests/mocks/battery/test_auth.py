"""Auth on every route: without credentials no route answers 2xx, each answers the vendor's
own refusal, and nothing in the store changes. Odd spellings of every route (a mangled API
version, doubled or trailing slashes, URL-encoded characters, upper-cased segments) are held
to the same rule: none may slip past the gate.

The world is seeded first and the path values name records it holds (`MockKit.path_params`),
and writes carry a valid record of the connector pack's kit, so a request that got past the
gate would read or change real data, and show here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sync.errors import AuthError
from tests.mocks.battery.support import Answer, Sandbox, odd_paths

SHOWN = 30  # problems listed in a failure message


def _seed_small_world(sandbox: Sandbox) -> None:
    world = sandbox.world(seed=7, accounts=3, full_business=True, products=1, locations=1,
                          contacts_per_company=1, orders_per_company=1.0)  # fmt: skip
    sandbox.seed(world)


def _report(what: str, problems: list[str]) -> str:
    more = f"\n... and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return f"{len(problems)} {what}:\n" + "\n".join(problems[:SHOWN]) + more


class StoreWatch:
    """Notices any write through the admin API: the whole snapshot after each request (its
    `last_seq` is the change feed's; a write that logs no change shows in the records), and
    the change feed itself before and after the lot."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.start = sandbox.last_seq()
        self.snapshot = sandbox.snapshot()

    def changed(self) -> str | None:
        """What changed since the last look, if anything (and look again from there)."""
        now = self.sandbox.snapshot()
        if now == self.snapshot:
            return None
        before, self.snapshot = self.snapshot, now
        logged = self.sandbox.changes(int(before["last_seq"]))
        return f"logged {logged[:3]}" if logged else "changed records without logging it"

    def feed_moved(self) -> bool:
        return self.sandbox.last_seq() != self.start


def _probe_all(sandbox: Sandbox, probes: Iterable[tuple[str, str]], *, refusal: bool) -> list[str]:
    """Send each `(method, path)` without credentials; what went wrong, one line each."""
    body = sandbox.sample_body()
    watch = StoreWatch(sandbox)
    problems: list[str] = []
    for method, path in probes:
        answer: Answer = sandbox.request(method, path, body=body)
        where = f"{method} {path}"
        if answer.ok:
            problems.append(f"{where}: answered {answer.brief()} without credentials")
        elif (
            refusal
            and method != "HEAD"
            and not sandbox.kit.is_auth_refusal(answer.status, answer.headers, answer.body)
        ):
            problems.append(f"{where}: {answer.brief()} is not the vendor's auth refusal")
        change = watch.changed()
        if change:
            problems.append(f"{where}: without credentials, {change}")
    if watch.feed_moved() and not problems:
        problems.append("the change feed moved while no request was let through")
    return problems


def test_every_route_refuses_requests_without_credentials(sandbox: Sandbox) -> None:
    _seed_small_world(sandbox)
    routes = sandbox.vendor_routes()
    assert routes, f"{sandbox.name}: the app serves no route besides the admin API"
    probes = [(method, route.fill(sandbox.kit.path_params))
              for route in routes for method in route.methods]  # fmt: skip
    problems = _probe_all(sandbox, probes, refusal=True)
    assert not problems, _report(f"holes in the {sandbox.name} sandbox's auth", problems)


def test_odd_paths_never_answer_without_credentials(sandbox: Sandbox) -> None:
    _seed_small_world(sandbox)
    probes: dict[tuple[str, str], None] = {}
    for route in sandbox.vendor_routes():
        for odd in odd_paths(route.fill(sandbox.kit.path_params)):
            for method in route.methods:
                probes[(method, odd)] = None
    assert probes, f"{sandbox.name}: no odd path derived from its routes"
    problems = _probe_all(sandbox, sorted(probes, key=lambda p: (p[1], p[0])), refusal=False)
    assert not problems, _report(
        f"odd paths the {sandbox.name} sandbox answers without credentials", problems
    )


def _wrong(value: str) -> str:
    """A credential of the same shape that is not the one issued (one character changed)."""
    return value[:-1] + ("x" if value[-1:] != "x" else "y")


def _authorization(headers: Mapping[str, str]) -> str | None:
    """The credential a request carries (a session cookie or CSRF token may differ)."""
    return next((v for k, v in headers.items() if k.lower() == "authorization"), None)


def test_every_route_refuses_each_wrong_credential(sandbox: Sandbox) -> None:
    """Each credential the pack issues, wrong in turn, the rest right, and requests made by
    the connector's own auth hook: a vendor that signs every request (NetSuite's OAuth 1.0a)
    must refuse a signature made with a wrong secret or key on every route; a vendor with a
    login must refuse the login, so no request is ever made with it."""
    _seed_small_world(sandbox)
    routes = sandbox.vendor_routes()
    problems: list[str] = []
    right = sandbox.connector(credentials=dict(sandbox.credentials))
    for key, value in sandbox.credentials.items():
        conn = sandbox.connector(credentials={**sandbox.credentials, key: _wrong(value)})
        try:
            signed = [(m, path, sandbox.signed(conn, m, path))
                      for route in routes for m in route.methods
                      for path in (route.fill(sandbox.kit.path_params),)]  # fmt: skip
        except AuthError:  # the vendor's login refused it: no request is made with it
            continue
        method, path, headers = signed[0]
        if _authorization(headers) == _authorization(sandbox.signed(right, method, path)):
            continue  # a credential of another way in (an OAuth client beside Basic): unused
        for method, path, headers in signed:
            answer = sandbox.request(method, path, headers=headers, body=sandbox.sample_body())
            if answer.ok or (
                method != "HEAD"
                and not sandbox.kit.is_auth_refusal(answer.status, answer.headers, answer.body)
            ):
                problems.append(f"wrong {key}: {method} {path} answered {answer.brief()}")
    assert not problems, _report(f"wrong credentials the {sandbox.name} sandbox took", problems)
