"""The OAuth 2.0 JWT bearer flow as a Salesforce org checks the assertion.

The client signs a JWT with the private key whose certificate is uploaded to its connected
app; the org verifies it with that certificate. Checked here: the signature (RS256 only, the
one algorithm the flow takes), `iss` = the connected app's client id, `sub` = a user of the
org, `aud` = the login URL the token is asked of (`https://login.salesforce.com`, the sandbox
`https://test.salesforce.com`, or this org's own URL), and `exp` present and not past. What
the org answers for each failure is `(error, error_description)` of its 400 body.
"""

from __future__ import annotations

from collections.abc import Iterable

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from mocks.salesforce.config import SalesforceMockConfig

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")
LEEWAY_SECONDS = 5  # clock skew tolerated on `exp`, as servers commonly allow


class JwtRefusal(Exception):
    """Why an assertion was refused, as the token endpoint words it."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


def public_key(pem: str) -> RSAPublicKey:
    """The RSA key of a PEM certificate or public key (what a connected app is given)."""
    data = pem.encode()
    key = (
        x509.load_pem_x509_certificate(data).public_key()
        if b"BEGIN CERTIFICATE" in data
        else load_pem_public_key(data)
    )
    if not isinstance(key, RSAPublicKey):
        raise ValueError("the JWT bearer flow needs an RSA certificate or public key")
    return key


def verify_assertion(assertion: str, config: SalesforceMockConfig, audiences: Iterable[str]) -> str:
    """The username the assertion logs in as; raises JwtRefusal otherwise."""
    if not config.jwt_certificate:
        raise JwtRefusal("invalid_client", "no certificate is configured for this client")
    try:
        claims = jwt.decode(
            assertion,
            public_key(config.jwt_certificate),
            algorithms=["RS256"],
            audience=list(audiences),
            options={"require": ["iss", "sub", "aud", "exp"]},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.InvalidAudienceError as exc:
        raise JwtRefusal("invalid_grant", "audience is invalid") from exc
    except jwt.ExpiredSignatureError as exc:
        raise JwtRefusal("invalid_grant", "expired authorization code") from exc
    except jwt.PyJWTError as exc:  # bad signature, algorithm, shape or missing claim
        raise JwtRefusal("invalid_grant", "invalid assertion") from exc
    if claims["iss"] != config.client_id:
        raise JwtRefusal("invalid_client_id", "client identifier invalid")
    if claims["sub"] != config.username:
        raise JwtRefusal("invalid_grant", "invalid assertion")
    return str(claims["sub"])


__all__ = ["GRANT_TYPE", "LOGIN_AUDIENCES", "JwtRefusal", "public_key", "verify_assertion"]
