"""OData v2 `$batch` on the wire: the multipart request and its answer, pure functions.

A batch holds parts in order: change sets (modifying requests SAP applies atomically) and
single queries. The answer holds one part per request part, in the same order. A change set
that succeeded answers with a nested multipart of one response per request; a change set
that failed answers with ONE response (the first error), which stands for every request of
that change set: `outcomes` spreads it so each record gets SAP's reason.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = [
    "BatchRequest",
    "BatchResponse",
    "build_batch",
    "outcomes",
    "parse_batch",
]

_CRLF = "\r\n"
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_STATUS = re.compile(r"^HTTP/\d\.\d\s+(\d{3})")


@dataclass(frozen=True)
class BatchRequest:
    """One request inside a batch; `path` is relative to the service root."""

    method: str
    path: str
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchResponse:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: Any  # parsed JSON, or the text when it is not JSON, or None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# A part of a batch: a change set (a list of modifying requests) or one query.
Part = list[BatchRequest] | BatchRequest


def _http_part(request: BatchRequest) -> str:
    lines = [
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        f"{request.method.upper()} {request.path} HTTP/1.1",
        "Accept: application/json",
    ]
    payload = ""
    if request.body is not None:
        payload = orjson.dumps(request.body).decode()
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(payload.encode())}")
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    return _CRLF.join([*lines, "", payload])


def build_batch(parts: Sequence[Part], *, boundary: str | None = None) -> tuple[bytes, str]:
    """The body and Content-Type of a `$batch` request holding `parts` in order."""
    outer = boundary or f"batch_{uuid.uuid4()}"
    chunks: list[str] = []
    for part in parts:
        if isinstance(part, BatchRequest):
            chunks.append(f"--{outer}{_CRLF}{_http_part(part)}{_CRLF}")
            continue
        inner = f"changeset_{uuid.uuid4()}"
        body = "".join(f"--{inner}{_CRLF}{_http_part(r)}{_CRLF}" for r in part)
        chunks.append(
            f"--{outer}{_CRLF}Content-Type: multipart/mixed; boundary={inner}{_CRLF}{_CRLF}"
            f"{body}--{inner}--{_CRLF}"
        )
    text = "".join(chunks) + f"--{outer}--{_CRLF}"
    return text.encode(), f"multipart/mixed; boundary={outer}"


def _boundary(content_type: str) -> str | None:
    match = _BOUNDARY.search(content_type)
    return match.group(1) if match else None


def _split(body: str, boundary: str) -> list[str]:
    """The parts between `--boundary` delimiters, preamble and epilogue dropped."""
    pieces = re.split(rf"(?:\r?\n)?--{re.escape(boundary)}(?:--)?[ \t]*(?:\r?\n|$)", body)
    return [p for p in pieces[1:] if p.strip()]


def _head(text: str) -> tuple[dict[str, str], str]:
    """Headers and the rest of a MIME or HTTP block."""
    normal = text.replace("\r\n", "\n")
    head, _, rest = normal.partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def _response(text: str) -> BatchResponse:
    normal = text.replace("\r\n", "\n").lstrip("\n")
    status_line, _, rest = normal.partition("\n")
    match = _STATUS.match(status_line.strip())
    if not match:
        raise ValueError(f"a $batch part is not an HTTP response: {status_line[:80]!r}")
    headers, body_text = _head(rest if "\n\n" in rest else rest + "\n\n")
    body_text = body_text.strip()
    body: Any = None
    if body_text:
        try:
            body = orjson.loads(body_text)
        except orjson.JSONDecodeError:
            body = body_text
    return BatchResponse(int(match.group(1)), headers, body)


def parse_batch(content: bytes, content_type: str) -> list[list[BatchResponse] | BatchResponse]:
    """The answer's parts in order: a list for a change set that came back whole, a single
    response for a query or for a change set that failed as a whole."""
    boundary = _boundary(content_type)
    if boundary is None:
        raise ValueError(f"a $batch answer without a boundary ({content_type!r})")
    parts: list[list[BatchResponse] | BatchResponse] = []
    for piece in _split(content.decode("utf-8", "replace"), boundary):
        headers, rest = _head(piece)
        kind = headers.get("content-type", "")
        inner = _boundary(kind) if kind.lower().startswith("multipart/") else None
        if inner is not None:
            parts.append([_response(_head(p)[1]) for p in _split(rest, inner)])
        else:
            parts.append(_response(rest))
    return parts


def outcomes(
    sent: Sequence[Part], answer: Sequence[list[BatchResponse] | BatchResponse]
) -> list[list[BatchResponse]]:
    """One response per request of every sent part: a change set answered by one response
    (it failed whole) gives that response to each of its requests."""
    if len(answer) != len(sent):
        raise ValueError(f"$batch answered {len(answer)} parts for {len(sent)} sent")
    spread: list[list[BatchResponse]] = []
    for part, got in zip(sent, answer, strict=True):
        size = 1 if isinstance(part, BatchRequest) else len(part)
        if isinstance(got, BatchResponse):
            spread.append([got] * size)
        elif len(got) == size:
            spread.append(got)
        elif len(got) == 1:
            spread.append(got * size)
        else:
            raise ValueError(f"a change set of {size} answered with {len(got)} responses")
    return spread
