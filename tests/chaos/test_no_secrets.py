"""No secret reaches a file, a report, a log, the state store, a command's output or an error.

A sandbox goes through what an operator does - sync (with a quarantined record), reconcile,
status, metrics, the quarantine commands, and two syncs with a wrong secret - with JSON debug
logging on. Then every credential the config names, the admin token, every Salesforce token
the mock issued, and the wrong secrets tried are searched for, as they are and in the forms a
client sends them (URL-encoded, base64 even inside a longer base64 blob such as HTTP Basic
auth), in every file under the sandbox, every text column of the state file, every command's
stdout and stderr, and the text of the auth errors raised in process.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from harness.api import run_sync
from harness.config import load_config
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.errors import AuthError

WORLD = WorldSettings(seed=5, accounts=40, dirty=0.5)
DEBUG_JSON = ["--log-json", "--log-level", "DEBUG"]
CONTEXT = 40  # bytes shown either side of a leak


@dataclass(frozen=True)
class Secret:
    """A value that must never be written anywhere; `name` says where it comes from."""

    name: str
    value: str


@dataclass(frozen=True)
class Leak:
    secret: str
    form: str  # plain, url, url+, base64, base64url
    where: str
    context: str  # the bytes around the hit, the secret itself replaced by its name

    def __str__(self) -> str:
        return f"{self.secret} ({self.form}) in {self.where}: ...{self.context}..."


def _base64_cores(data: bytes) -> set[bytes]:
    """The base64 characters that encode `data` alone, at each of the three alignments it can
    have inside a longer encoded blob (so `id:secret` in a Basic header is found too)."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data)
        start, end = -(-shift * 4 // 3), (shift + len(data)) * 8 // 6
        cores.add(encoded[start:end])
    return cores


def _forms(value: str) -> dict[bytes, str]:
    """Every spelling of `value` to look for, each with the name of its form."""
    raw = value.encode()
    forms: dict[bytes, str] = {}
    spellings = (
        (value, "plain"),
        (quote(value, safe=""), "url"),
        (quote_plus(value), "url+"),
        (html.escape(value), "html"),
    )
    for spelled, form in spellings:
        forms.setdefault(spelled.encode(), form)
    for core in _base64_cores(raw):
        forms.setdefault(core, "base64")
        forms.setdefault(core.translate(bytes.maketrans(b"+/", b"-_")), "base64url")
    return forms


class LeakScanner:
    """Finds secrets, in any of their forms, in bytes, text, files, trees and SQLite files."""

    def __init__(self, secrets: Iterable[Secret]) -> None:
        self.needles = [
            (needle, secret.name, form)
            for secret in secrets
            for needle, form in _forms(secret.value).items()
        ]

    def scan_bytes(self, where: str, data: bytes) -> list[Leak]:
        leaks = []
        for needle, name, form in self.needles:
            at = data.find(needle)
            if at >= 0:
                around = data[max(0, at - CONTEXT) : at + len(needle) + CONTEXT]
                shown = around.replace(needle, f"<{name}>".encode()).decode("utf-8", "replace")
                leaks.append(Leak(name, form, f"{where} at byte {at}", shown))
        return leaks

    def scan_text(self, where: str, text: str) -> list[Leak]:
        return self.scan_bytes(where, text.encode("utf-8", "surrogateescape"))

    def scan_tree(self, root: Path) -> list[Leak]:
        """Every file under `root`, byte for byte; SQLite files also column by column."""
        leaks: list[Leak] = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            leaks += self.scan_bytes(str(path.relative_to(root)), data)
            if data.startswith(b"SQLite format 3\0"):
                leaks += self.scan_sqlite(path)
        return leaks

    def scan_sqlite(self, path: Path) -> list[Leak]:
        """Every text (and blob) value of every table, decoded as the database stores it."""
        leaks: list[Leak] = []
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = [
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                cursor = db.execute(f'SELECT * FROM "{table}"')  # names read from the file
                columns = [c[0] for c in cursor.description]
                for number, row in enumerate(cursor):
                    for column, value in zip(columns, row, strict=True):
                        if isinstance(value, str | bytes):
                            data = value.encode() if isinstance(value, str) else value
                            where = f"{path.name} table {table}.{column} row {number}"
                            leaks += self.scan_bytes(where, data)
        return leaks


@dataclass(frozen=True)
class Ran:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def _cli(box: Sandbox, *args: str, env: dict[str, str] | None = None) -> Ran:
    """One `harness` command in a child process, output captured."""
    command = [sys.executable, "-m", "harness.cli", *args]
    done = subprocess.run(
        command,
        cwd=box.workdir,
        env=env or box.environ,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Ran(tuple(args), done.returncode, done.stdout, done.stderr)


def _exception_texts(exc: BaseException) -> Iterator[str]:
    """What an error says about itself, along its whole chain, and its traceback."""
    yield "".join(traceback.format_exception(exc))
    seen: BaseException | None = exc
    for _ in range(10):  # chains are short; bounded all the same
        if seen is None:
            return
        yield str(seen)
        yield repr(seen)
        yield repr(vars(seen))
        seen = seen.__cause__ or seen.__context__


def _secrets(box: Sandbox, wrong: dict[str, str]) -> list[Secret]:
    """Credentials the config names, the admin token, the Salesforce tokens issued, and the
    wrong secrets tried - plus the composites clients derive from them."""
    found = [Secret("admin token", box.mocks.admin_token)]
    for role, system in box.config.systems.items():
        for key, variable in system.credentials.items():
            found.append(Secret(f"{role}.{key} (${variable})", box.environ[variable]))
    found += [Secret(f"wrong ${variable}", value) for variable, value in wrong.items()]
    # The registry keeps no listing API; its two maps are what the mock handed out.
    registry = vars(box.mocks.crm.app.state.salesforce.tokens)
    for kind in ("_access", "_refresh"):
        found += [
            Secret(f"salesforce {kind[1:]} token {i}", t) for i, t in enumerate(registry[kind])
        ]
    crm, erp = (
        {
            key: box.environ[variable]
            for key, variable in box.config.systems[role].credentials.items()
        }
        for role in ("crm", "erp")
    )
    signing_key = f"{quote(erp['consumer_secret'], safe='')}&{quote(erp['token_secret'], safe='')}"
    found.append(Secret("netsuite OAuth 1.0 signing key", signing_key))
    found.append(Secret("salesforce Basic pair", f"{crm['client_id']}:{crm['client_secret']}"))
    return found


def _operate(box: Sandbox, wrong: dict[str, str]) -> list[Ran]:
    """Everything an operator runs, JSON debug logs on; exit codes checked as they come."""
    config = str(box.config_path)
    runs = [
        _cli(box, *DEBUG_JSON, "sync", "--config", config, "--full", "--json"),
        _cli(box, *DEBUG_JSON, "sync", "--config", config, "--json"),
        _cli(box, *DEBUG_JSON, "reconcile", "--config", config, "--json"),
        _cli(box, *DEBUG_JSON, "quarantine", "list", "--config", config, "--json"),
    ]
    assert [r.code for r in runs] == [0, 0, 1, 0], [
        (r.args, r.code, r.stderr[-2000:]) for r in runs
    ]
    qid = json.loads(runs[-1].stdout)[0]["qid"]
    runs.append(_cli(box, *DEBUG_JSON, "quarantine", "show", qid, "--config", config, "--json"))
    for variable, value in wrong.items():
        failed = _cli(
            box, *DEBUG_JSON, "sync", "--config", config, env={**box.environ, variable: value}
        )
        assert failed.code == 2 and "refused" in failed.stderr, (variable, failed)
        runs.append(failed)
    runs.append(_cli(box, *DEBUG_JSON, "status", "--config", config, "--json"))
    runs.append(_cli(box, *DEBUG_JSON, "metrics", "--config", config))
    runs.append(_cli(box, *DEBUG_JSON, "history", "--config", config))
    assert [r.code for r in runs[4:]] == [0, 2, 2, 1, 0, 0], [(r.args, r.code) for r in runs]
    return runs


@pytest.mark.timeout(300)
def test_no_secret_reaches_files_state_output_or_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A wrong NetSuite token *id*: the mock checks the consumer key and token id but does not
    # verify the OAuth 1.0 signature, so a wrong consumer or token secret passes (see
    # mocks/netsuite/auth.py).
    wrong = {
        "HARNESS_SF_CLIENT_SECRET": "wrong-sf-secret-7d1c0e5a",
        "HARNESS_NS_TOKEN_ID": "wrong-ns-token-id-42b9",
    }
    caplog.set_level(logging.DEBUG)  # the mocks' and the in-process syncs' own log records
    with Sandbox.start(tmp_path / "box", WORLD) as box:
        runs = _operate(box, wrong)
        errors: list[str] = []
        for variable, value in wrong.items():
            config = load_config(box.config_path, {**box.environ, variable: value})
            with pytest.raises(AuthError) as caught:
                run_sync(config, "customers")
            errors += _exception_texts(caught.value)
        for role in ("crm", "erp"):
            facts = box.ground_truth(role)
            (box.workdir / f"ground-truth-{role}.json").write_text(json.dumps(facts), "utf-8")
        secrets = _secrets(box, wrong)

    assert sum(s.name.startswith("salesforce access token") for s in secrets) >= 5
    scanner = LeakScanner(secrets)
    leaks = scanner.scan_tree(box.workdir) + scanner.scan_tree(Path(os.environ["HARNESS_HOME"]))
    for ran in runs:
        leaks += scanner.scan_text(f"stdout of harness {' '.join(ran.args)}", ran.stdout)
        leaks += scanner.scan_text(f"stderr of harness {' '.join(ran.args)}", ran.stderr)
    for number, text in enumerate(errors):
        leaks += scanner.scan_text(f"auth error text {number}", text)
    leaks += scanner.scan_text("in-process log records", caplog.text)
    assert not leaks, "secrets leaked:\n" + "\n".join(map(str, leaks))
    # The scan covered what it claims: the state file, the reports and the JSON log exist.
    scanned = {p.relative_to(box.workdir).as_posix() for p in box.workdir.rglob("*") if p.is_file()}
    assert {
        "state.db",
        "harness.yaml",
        "reports/reconcile.json",
        "reports/reconcile.html",
    } <= scanned
    assert any(name.startswith("logs/harness.log") for name in scanned), sorted(scanned)


def test_leak_scanner_finds_a_planted_secret(tmp_path: Path) -> None:
    secret = Secret("planted", "pl4nted-S3cret_value~xyz!")
    (tmp_path / "clean.log").write_text("nothing to see, pl4nted-S3cret is only a prefix\n")
    (tmp_path / "plain.log").write_text(f'{{"message": "token {secret.value} refused"}}\n')
    (tmp_path / "url.txt").write_text(f"GET /x?token={quote(secret.value, safe='')}&a=1\n")
    basic = base64.b64encode(f"client-id:{secret.value}".encode()).decode()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "headers.json").write_text(f'{{"Authorization": "Basic {basic}"}}')
    with closing(sqlite3.connect(tmp_path / "state.db")) as db:
        db.execute("CREATE TABLE runs (run_id TEXT, error TEXT)")
        db.execute("INSERT INTO runs VALUES ('r1', ?)", (f"AuthError: bad {secret.value}",))
        db.commit()

    leaks = LeakScanner([secret]).scan_tree(tmp_path)
    found = {(leak.where.split(" ")[0], leak.form) for leak in leaks}
    assert ("plain.log", "plain") in found
    assert ("url.txt", "url") in found
    assert ("sub/headers.json", "base64") in found
    assert ("state.db", "plain") in found  # as a column value
    assert not [leak for leak in leaks if leak.where.startswith("clean.log")]
    assert all(secret.value not in leak.context for leak in leaks)
    assert any("table runs.error" in leak.where for leak in leaks)
