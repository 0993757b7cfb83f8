"""OAuth 1.0a (RFC 5849) as a server checks it: the header's parameters, the signature base
string and the HMAC-SHA256 signature, written out here apart from any client library so
that a signing bug in a client cannot hide behind the same bug in the mock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from starlette.types import Scope

# RFC 5849 section 3.6: unreserved characters (ALPHA, DIGIT, "-", ".", "_", "~") stay as they
# are, every other byte of the UTF-8 form becomes %XX with upper-case hex.
_UNRESERVED = "-._~"
_PARAM = re.compile(r'\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*(?:,|$)')
_DEFAULT_PORTS = {"http": 80, "https": 443}


class OAuthHeaderError(ValueError):
    """The Authorization header is not a well-formed OAuth one."""


def encode(text: str) -> str:
    """Percent-encode as RFC 5849 section 3.6 asks."""
    return quote(text, safe=_UNRESERVED)


def parse_oauth_header(value: str) -> dict[str, str]:
    """The parameters of an `OAuth k="v", ...` header, percent-decoded; a parameter sent
    twice is an error (RFC 5849 section 3.5.1 allows each once)."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        raise OAuthHeaderError("not an OAuth header")
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _PARAM.match(rest, pos)
        if match is None:
            raise OAuthHeaderError(f"malformed OAuth parameter near {rest[pos : pos + 20]!r}")
        name = match.group(1)
        if name in params:
            raise OAuthHeaderError(f"OAuth parameter {name} sent twice")
        params[name] = unquote(match.group(2))
        pos = match.end()
    return params


def base_string_uri(scope: Scope) -> str:
    """RFC 5849 section 3.4.1.2: scheme and host in lower case, the port only when it is not
    the scheme's default, and the path exactly as it was sent (still percent-encoded), with
    no query. The host is the one the client addressed (its Host header), so a request signed
    for the loopback URL it was sent to verifies."""
    scheme = str(scope.get("scheme", "http")).lower()
    host = ""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1").strip().lower()
            break
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    try:
        port = urlsplit(f"//{host}").port
    except ValueError:  # not a port: the host is compared as sent, and will not verify
        port = None
    if port is not None and port == _DEFAULT_PORTS.get(scheme):
        host = host.rsplit(":", 1)[0]
    raw_path = scope.get("raw_path") or str(scope.get("path", "/")).encode()
    path = raw_path.decode("latin-1").split("?", 1)[0] or "/"
    return f"{scheme}://{host}{path}"


def query_parameters(scope: Scope) -> list[tuple[str, str]]:
    """The query's name/value pairs, decoded as `application/x-www-form-urlencoded` (RFC 5849
    section 3.4.1.3.1), blanks and repeats kept."""
    raw = scope.get("query_string", b"").decode("latin-1")
    return parse_qsl(raw, keep_blank_values=True)


def signature_base_string(method: str, uri: str, params: Iterable[tuple[str, str]]) -> str:
    """RFC 5849 section 3.4.1: method, base URI and the normalised parameters (each name and
    value encoded, sorted by name then value, joined with `=` and `&`), each part encoded."""
    pairs = sorted((encode(k), encode(v)) for k, v in params)
    normalised = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join([encode(method.upper()), encode(uri), encode(normalised)])


def hmac_sha256_signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """RFC 5849 section 3.4.2 with SHA-256: key is both secrets encoded and joined by `&`."""
    key = f"{encode(consumer_secret)}&{encode(token_secret)}"
    digest = hmac.new(key.encode(), base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


__all__ = [
    "OAuthHeaderError",
    "base_string_uri",
    "encode",
    "hmac_sha256_signature",
    "parse_oauth_header",
    "query_parameters",
    "signature_base_string",
]
