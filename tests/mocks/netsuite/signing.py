"""Token-based auth for the NetSuite tests: RFC 5849 written out here, apart from both the
mock's verifier and the connector's signer, so the three cannot share a bug.

`TbaAuth` is an `httpx.Auth`: give it to a `TestClient` or an `httpx.Client` and every
request is signed for the exact URL it goes to, with a fresh nonce and the signer's clock.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

ACCOUNT = "1234567_SB1"
# NetSuiteMockConfig's defaults, written out: a test of the mock must not read them from it.
STOCK = {
    "consumer_key": "harness-ns-consumer",
    "consumer_secret": "harness-ns-consumer-secret",
    "token_id": "harness-ns-token",
    "token_secret": "harness-ns-token-secret",
}


def pct(text: str) -> str:
    """RFC 5849 section 3.6: all but ALPHA, DIGIT, '-', '.', '_', '~' as %XX of UTF-8."""
    return quote(text, safe="-._~")


def base_string(method: str, url: str, oauth: Mapping[str, str]) -> str:
    """RFC 5849 section 3.4.1 for `url` as sent and the `oauth_*` parameters."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    uri = f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{port}{parts.path or '/'}"
    params = [(k, v) for k, v in oauth.items() if k not in ("realm", "oauth_signature")]
    params += parse_qsl(parts.query, keep_blank_values=True)
    normalised = "&".join(f"{k}={v}" for k, v in sorted((pct(k), pct(v)) for k, v in params))
    return "&".join([pct(method.upper()), pct(uri), pct(normalised)])


def sign(base: str, consumer_secret: str, token_secret: str, digest: str = "sha256") -> str:
    key = f"{pct(consumer_secret)}&{pct(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), digest).digest()).decode()


def header(oauth: Mapping[str, str]) -> str:
    return "OAuth " + ", ".join(f'{k}="{pct(v)}"' for k, v in oauth.items())


@dataclass
class TbaAuth(httpx.Auth):
    """Signs requests with HMAC-SHA256 (or what `method` says), realm = `realm`.

    `overrides` replace or add OAuth parameters after signing-parameter generation and before
    the signature (so the signature covers them); `after` replaces parameters after signing
    (a tampered header); a value of None drops the parameter."""

    consumer_key: str = STOCK["consumer_key"]
    consumer_secret: str = STOCK["consumer_secret"]
    token_id: str = STOCK["token_id"]
    token_secret: str = STOCK["token_secret"]
    realm: str = ACCOUNT
    method: str = "HMAC-SHA256"
    clock: Callable[[], float] = time.time
    overrides: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, str | None] = field(default_factory=dict)
    sent: list[dict[str, str]] = field(default_factory=list)  # the parameters of each request

    def oauth_params(self, method: str, url: str) -> dict[str, str]:
        oauth = {
            "realm": self.realm,
            "oauth_consumer_key": self.consumer_key,
            "oauth_token": self.token_id,
            "oauth_signature_method": self.method,
            "oauth_timestamp": str(int(self.clock())),
            "oauth_nonce": secrets.token_hex(12),
            "oauth_version": "1.0",
        }
        _apply(oauth, self.overrides)
        digest = "sha1" if self.method == "HMAC-SHA1" else "sha256"
        base = base_string(method, url, oauth)
        oauth["oauth_signature"] = sign(base, self.consumer_secret, self.token_secret, digest)
        _apply(oauth, self.after)
        return oauth

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        oauth = self.oauth_params(request.method, str(request.url))
        self.sent.append(oauth)
        request.headers["Authorization"] = header(oauth)
        yield request


def _apply(oauth: dict[str, str], changes: Mapping[str, str | None]) -> None:
    for key, value in changes.items():
        if value is None:
            oauth.pop(key, None)
        else:
            oauth[key] = value


def replay(oauth: Mapping[str, str]) -> dict[str, str]:
    """The Authorization header of an already signed request, to send it again as it was."""
    return {"Authorization": header(oauth)}


__all__ = ["ACCOUNT", "STOCK", "TbaAuth", "base_string", "header", "pct", "replay", "sign"]
