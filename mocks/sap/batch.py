"""`$batch` as SAP Gateway answers pyodata: multipart/mixed in, 202 multipart/mixed out.

Queries outside change sets answer one by one. A change set runs in one transaction: when
any of its operations fails, every write of it is undone and the whole change set answers
with that single error response (pyodata then raises "Changeset cannot be processed due to
single response received"). `Content-ID` references (`$1/to_Item`) name an entity created
earlier in the same change set."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl

from mocks.sap.dispatch import Call, Reply, handle, note_truncations, resolve, write_in
from mocks.sap.entities import Reader
from mocks.sap.errors import SapError, bad_request, warning_message
from mocks.sap.odata.model import Service
from mocks.sap.odata.paths import split_path
from mocks.sap.rules import WriteCtx, business_error
from mocks.sap.state import SapState
from mocks.sap.tx import Tx

_BOUNDARY = re.compile(r'boundary="?([^";,\s]+)"?', re.I)


@dataclass
class Part:
    """One part of a batch: an inner request, or a change set of them."""

    request: Call | None = None
    changeset: list[tuple[str | None, Call]] | None = None  # (Content-ID, request)


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise bad_request("The $batch request has no multipart boundary")
    return match.group(1)


def _split(body: str, boundary: str) -> list[str]:
    parts = re.split(rf"(?:^|\r?\n)--{re.escape(boundary)}(?:--)?[ \t]*(?=\r?\n|$)", body)
    return [p.lstrip("\r\n") for p in parts[1:] if p.strip() not in ("", "--")]


def _headers_and_rest(text: str) -> tuple[dict[str, str], str]:
    match = re.search(r"\r?\n\r?\n", text)
    head, rest = (text[: match.start()], text[match.end() :]) if match else (text, "")
    headers = {}
    for line in head.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def _inner(text: str, service: Service, origin: str) -> tuple[str | None, Call]:
    outer, rest = _headers_and_rest(text)
    line, _, after = rest.partition("\n")
    bits = line.strip().split(" ")
    if len(bits) < 2:
        raise bad_request(f"Invalid request line in $batch part: '{line.strip()}'")
    method, target = bits[0].upper(), bits[1]
    if after.startswith(("\r\n", "\n")):  # no headers: the blank line comes at once
        headers: dict[str, str] = {}
        body = after.lstrip("\r\n")
    else:
        headers, body = _headers_and_rest(after)
    if "://" in target:  # an absolute inner URL: only its path and query count
        target = target.split("://", 1)[1].partition("/")[2]
        target = "/" + target
    path, _, query = target.partition("?")
    prefix = f"/sap/opu/odata/sap/{service.name}/"
    if path.lower().startswith(prefix.lower()):
        path = path[len(prefix) :]
    call = Call(
        method,
        service,
        path,
        dict(parse_qsl(query, keep_blank_values=True)),
        headers,
        body.rstrip("\r\n").encode(),
        origin,
    )
    return outer.get("content-id") or headers.get("content-id"), call


def parse_batch(body: bytes, content_type: str, service: Service, origin: str) -> list[Part]:
    parts: list[Part] = []
    for text in _split(body.decode("utf-8"), boundary_of(content_type)):
        headers, rest = _headers_and_rest(text)
        kind = headers.get("content-type", "")
        if kind.lower().startswith("multipart/mixed"):
            inner = _split(rest, boundary_of(kind))
            parts.append(Part(changeset=[_inner(t, service, origin) for t in inner]))
        else:
            parts.append(Part(request=_inner(text, service, origin)[1]))
    return parts


def has_changeset(parts: list[Part]) -> bool:
    return any(p.changeset is not None for p in parts)


def _http(reply: Reply) -> str:
    reason = HTTPStatus(reply.status).phrase
    lines = [f"HTTP/1.1 {reply.status} {reason}"]
    headers = {**reply.headers, "content-length": str(len(reply.body))}
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines) + "\r\n\r\n" + reply.body.decode()


def _part(reply: Reply) -> str:
    return (
        "Content-Type: application/http\r\nContent-Length: "
        f"{len(_http(reply).encode())}\r\ncontent-transfer-encoding: binary\r\n\r\n" + _http(reply)
    )


def _error_reply(state: SapState, service: Service, error: SapError) -> Reply:
    body = error.response(service.name, state.ctx.store.now()).body
    return Reply(error.status, {"content-type": "application/json"}, bytes(body))


def _query(state: SapState, service: Service, call: Call) -> Reply:
    if call.method not in ("GET", "HEAD"):
        return _error_reply(
            state, service, bad_request("Modifying operations must be inside a change set")
        )
    try:
        return handle(state, call)
    except SapError as exc:
        return _error_reply(state, service, exc)


def _fails_here(state: SapState, index: int) -> bool:
    """The change-set trap: the Nth operation fails while the trap has runs left."""
    settings = state.settings
    at, left = settings.get("changeset_fail_at"), int(settings.get("changeset_fail_times") or 0)
    return at is not None and left > 0 and index == int(at)


def _trap_error(state: SapState) -> SapError:
    """The change-set trap's refusal: a lock, unless a fault plan names its own error."""
    custom = state.settings.get("changeset_fail_error") or {}
    message = str(custom.get("message") or "Object is locked by user BATCH_JOB: try again later")
    error = business_error(message)
    if custom.get("code"):
        error.code = str(custom["code"])
    return error


def _changeset(
    state: SapState, service: Service, ops: list[tuple[str | None, Call]]
) -> list[Reply] | Reply:
    """Every reply of a change set that succeeded, or the single error of one that failed."""
    tx = Tx(state.ctx.store)
    wctx = WriteCtx(tx, state.settings, state.config.username)
    replies: list[Reply] = []
    created: dict[str, str] = {}
    trapped = False
    warning = state.settings.get("write_warning")
    warnings_left = int(warning.get("times") or 0) if warning else 0
    with state.write_lock:
        try:
            for index, (content_id, call) in enumerate(ops, start=1):
                if _fails_here(state, index):
                    trapped = True
                    raise _trap_error(state)
                call.path = _referenced(call.path, created)
                reader = Reader(state.ctx.store, service, call.origin)
                reply = write_in(wctx, reader, call, resolve(reader, split_path(call.path)))
                if content_id and "location" in reply.headers:
                    created[content_id] = reply.headers["location"].rsplit("/", 1)[-1]
                replies.append(_warned(state, call, reply))
        except SapError as exc:
            tx.rollback()
            if warning:  # a rolled-back write was never answered: its warning is not spent
                warning["times"] = warnings_left
            if trapped:
                left = int(state.settings.get("changeset_fail_times") or 0)
                state.settings["changeset_fail_times"] = max(0, left - 1)
            return _error_reply(state, service, exc)
    note_truncations(state, wctx)
    return replies


def _warned(state: SapState, call: Call, reply: Reply) -> Reply:
    """The write-warning trap: a write to its entity set is applied and answered with a
    `sap-message` warning while the trap has writes left."""
    trap = state.settings.get("write_warning")
    if not trap or int(trap.get("times") or 0) < 1 or reply.status >= 400:
        return reply
    segments = split_path(call.path)
    if not segments or segments[0].name != trap["object"]:
        return reply
    trap["times"] = int(trap["times"]) - 1
    header = warning_message(str(trap["code"]), str(trap["message"]))
    return Reply(reply.status, {**reply.headers, "sap-message": header}, reply.body)


def _referenced(path: str, created: dict[str, str]) -> str:
    if path.startswith("$"):
        ref, sep, rest = path[1:].partition("/")
        if ref in created:
            return created[ref] + (sep + rest if sep else "")
    return path


def run_batch(state: SapState, service: Service, parts: list[Part]) -> tuple[bytes, str]:
    """The multipart answer and its content type."""
    boundary = f"batch_{secrets.token_hex(8)}"
    chunks: list[str] = []
    for part in parts:
        if part.request is not None:
            chunks.append(f"--{boundary}\r\n" + _part(_query(state, service, part.request)))
            continue
        outcome = _changeset(state, service, part.changeset or [])
        if isinstance(outcome, Reply):
            chunks.append(f"--{boundary}\r\n" + _part(outcome))
            continue
        cs = f"changeset_{secrets.token_hex(8)}"
        inner = "".join(f"--{cs}\r\n" + _part(r) + "\r\n" for r in outcome)
        chunks.append(
            f"--{boundary}\r\nContent-Type: multipart/mixed; boundary={cs}\r\n\r\n"
            f"{inner}--{cs}--\r\n"
        )
    text = "\r\n".join(chunks) + f"\r\n--{boundary}--\r\n"
    return text.encode(), f"multipart/mixed; boundary={boundary}"


__all__ = ["Part", "boundary_of", "has_changeset", "parse_batch", "run_batch"]
