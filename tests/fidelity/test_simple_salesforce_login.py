"""simple-salesforce 1.12.10 logging in by itself against the mock over real HTTPS: SOAP
(username, password, security token), the JWT bearer flow and the OAuth password grant.

The SDK always logs in at `https://{domain}.salesforce.com`; `LoginHostSession` sends those
two hosts to the mock's loopback URL, as a hosts-file entry would, and changes nothing else
in what the SDK sends. After login the SDK talks to the instance URL the mock returned.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from harness.sandbox import write_env_file
from harness.sandbox.mocks import start_mocks
from mocks.salesforce import SalesforceMockConfig, create_app
from mocks.server import RunningServer, start_server
from mocks.tls import ensure_tls
from mocks.world.settings import WorldSettings

pytestmark = pytest.mark.fidelity

LOGIN_HOSTS = ("https://login.salesforce.com", "https://test.salesforce.com")


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


PRIVATE_KEY, PUBLIC_KEY = _pem_pair()
CONFIG = SalesforceMockConfig(security_token="Tok3nFromTheOrg", jwt_certificate=PUBLIC_KEY)


class LoginHostSession(requests.Session):
    """Sends the SDK's login hosts to the mock (the test's name resolution, not a stub)."""

    mock_url = ""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kw: Any) -> Any:
        text = url.decode() if isinstance(url, bytes) else url
        for host in LOGIN_HOSTS:
            if text.startswith(host + "/"):
                text = self.mock_url + text[len(host) :]
        return super().request(method, text, *args, **kw)


@dataclass
class Org:
    server: RunningServer
    ca_path: str

    def session(self) -> LoginHostSession:
        session = LoginHostSession()
        session.mock_url = self.server.url
        session.verify = self.ca_path
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
        session.headers["Connection"] = "close"
        return session


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    tls = ensure_tls(tmp_path_factory.mktemp("tls"))
    with start_server(create_app(CONFIG), tls=tls) as server:
        yield Org(server, str(tls.ca_path))


def _works(sf: Salesforce, org: Org) -> None:
    """The session the SDK got is good for the REST API at the instance the mock named."""
    assert sf.sf_instance == org.server.url.removeprefix("https://")
    assert sf.query("SELECT Id FROM Account")["totalSize"] == 0
    sf.session.close()


@pytest.mark.parametrize("domain", ["login", "test"])
def test_soap_login_with_password_and_security_token(org: Org, domain: str) -> None:
    sf = Salesforce(username=CONFIG.username, password=CONFIG.password,
                    security_token=CONFIG.security_token, domain=domain,
                    session=org.session())  # fmt: skip
    _works(sf, org)


@pytest.mark.parametrize(
    ("username", "password", "token"),
    [
        pytest.param(CONFIG.username, "wrong-password", CONFIG.security_token, id="password"),
        pytest.param(CONFIG.username, CONFIG.password, "WrongToken", id="security-token"),
        pytest.param(CONFIG.username, CONFIG.password, "", id="no-security-token"),
        pytest.param("someone@else.example", CONFIG.password, CONFIG.security_token,
                     id="username"),
    ],
)  # fmt: skip
def test_soap_login_refused_is_invalid_login(
    org: Org, username: str, password: str, token: str
) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        Salesforce(username=username, password=password, security_token=token,
                   session=org.session())  # fmt: skip
    assert caught.value.code == "INVALID_LOGIN"
    assert "Invalid username, password, security token" in caught.value.auth_message


def test_jwt_bearer_login(org: Org) -> None:
    sf = Salesforce(username=CONFIG.username, consumer_key=CONFIG.client_id,
                    privatekey=PRIVATE_KEY, session=org.session())  # fmt: skip
    _works(sf, org)


def _other_key() -> str:
    return _pem_pair()[0]


@pytest.mark.parametrize(
    ("login", "code"),
    [
        pytest.param({"privatekey": _other_key()}, "invalid_grant", id="another-key"),
        pytest.param({"consumer_key": "another-app"}, "invalid_client_id", id="wrong-client"),
        pytest.param({"username": "someone@else.example"}, "invalid_grant", id="wrong-user"),
    ],
)
def test_jwt_bearer_refused(org: Org, login: dict[str, str], code: str) -> None:
    given = {"username": CONFIG.username, "consumer_key": CONFIG.client_id,
             "privatekey": PRIVATE_KEY, **login}  # fmt: skip
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        Salesforce(session=org.session(), **given)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("claims", "description"),
    [
        pytest.param({"aud": "https://evil.example"}, "audience is invalid", id="audience"),
        pytest.param({"exp": int(time.time()) - 60}, "expired authorization code", id="expired"),
        pytest.param({"exp": None}, "invalid assertion", id="no-expiry"),
    ],
)
def test_jwt_assertions_with_bad_claims_are_refused(
    org: Org, claims: dict[str, Any], description: str
) -> None:
    payload = {
        "iss": CONFIG.client_id,
        "sub": CONFIG.username,
        "aud": "https://login.salesforce.com",
        "exp": int(time.time()) + 180,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}  # fmt: skip
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": jwt.encode(payload, PRIVATE_KEY, algorithm="RS256")}  # fmt: skip
    response = org.session().post("https://login.salesforce.com/services/oauth2/token", form)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": description}


def test_oauth_password_grant_takes_the_password_with_the_security_token(org: Org) -> None:
    sf = Salesforce(username=CONFIG.username, password=CONFIG.password + CONFIG.security_token,
                    consumer_key=CONFIG.client_id, consumer_secret=CONFIG.client_secret,
                    session=org.session())  # fmt: skip
    _works(sf, org)
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        Salesforce(username=CONFIG.username, password=CONFIG.password,
                   consumer_key=CONFIG.client_id, consumer_secret=CONFIG.client_secret,
                   session=org.session())  # fmt: skip
    assert caught.value.code == "invalid_grant"


def test_the_user_mock_up_publishes_logs_in_with_soap(tmp_path: Path) -> None:
    """`harness mock-up`'s sandbox names the integration user's variables in its env file;
    with their values simple-salesforce's username-password-token login works."""
    mocks = start_mocks(world=WorldSettings(accounts=3), workdir=tmp_path, https=True)
    try:
        env_file = write_env_file(mocks.env, tmp_path / "mock.env")
        published = dict(line.split("=", 1) for line in env_file.read_text().splitlines()
                         if "=" in line)  # fmt: skip
        user = {key: published[variable] for key, variable in
                mocks.crm.vendor.credentials.items()}  # fmt: skip
        assert {"username", "password", "security_token"} <= set(user)
        assert all(user[k] for k in ("username", "password", "security_token"))
        assert mocks.tls is not None
        session = Org(mocks.crm.server, str(mocks.tls.ca_path)).session()
        sf = Salesforce(username=user["username"], password=user["password"],
                        security_token=user["security_token"], session=session)  # fmt: skip
        assert sf.query("SELECT Id FROM Account")["totalSize"] >= 1
        sf.session.close()
    finally:
        mocks.stop()
