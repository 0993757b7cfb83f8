"""`POST /services/Soap/u/{version}`: the partner SOAP API's `login` call, and nothing else.

simple-salesforce logs in this way when it is given a username, a password and a security
token: it posts a `login` envelope and reads `sessionId` and `serverUrl` from the answer by
element name; a failure is a SOAP fault whose `sf:exceptionCode` it reports. The session is
an ordinary access token of the org, good for the REST API. The password must be the user's
password followed by the security token (a login from an IP the org does not trust).
Any other SOAP call needs a session and is not served (the gate answers it).
"""

from __future__ import annotations

import hmac
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.state import sf_state

LOGIN_PATH = "/services/Soap/u/{version}"
_PARTNER_NS = "urn:partner.soap.sforce.com"
_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
_MAX_BODY = 64 * 1024  # a login envelope is well under 1 KB
_INVALID_LOGIN = "Invalid username, password, security token; or user locked out."
_XML = "text/xml; charset=utf-8"


def _envelope(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{_ENVELOPE_NS}" xmlns="{_PARTNER_NS}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xmlns:sf="urn:fault.partner.soap.sforce.com">'
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )


def soap_fault(code: str, message: str, *, fault: str = "sf:LoginFault") -> Response:
    """A SOAP fault carrying `sf:exceptionCode` and `sf:exceptionMessage`, status 500."""
    text = escape(message)
    body = (
        f"<soapenv:Fault><faultcode>sf:{code}</faultcode>"
        f"<faultstring>{code}: {text}</faultstring><detail>"
        f'<{fault} xsi:type="{fault}"><sf:exceptionCode>{code}</sf:exceptionCode>'
        f"<sf:exceptionMessage>{text}</sf:exceptionMessage></{fault}>"
        "</detail></soapenv:Fault>"
    )
    return Response(_envelope(body), 500, media_type=_XML)


def _credentials(raw: bytes) -> tuple[str, str] | None:
    """(username, password) of a `login` envelope, or None if it is not one."""
    try:
        root = ElementTree.fromstring(raw)  # expat refuses entity expansion bombs
    except ElementTree.ParseError:
        return None
    login = root.find(f"{{{_ENVELOPE_NS}}}Body/{{{_PARTNER_NS}}}login")
    if login is None:
        return None
    username = login.findtext(f"{{{_PARTNER_NS}}}username")
    password = login.findtext(f"{{{_PARTNER_NS}}}password")
    if username is None or password is None:
        return None
    return username.strip(), password


def _login_result(request: Request, version: str, session_id: str) -> str:
    config = sf_state(request).config
    base = str(request.base_url).rstrip("/")
    return (
        "<loginResponse><result>"
        f"<metadataServerUrl>{base}/services/Soap/m/{version}/{config.org_id[:15]}"
        "</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
        f"<serverUrl>{base}/services/Soap/u/{version}/{config.org_id[:15]}</serverUrl>"
        f"<sessionId>{escape(session_id)}</sessionId><userId>{config.user_id}</userId>"
        f"<userInfo><organizationId>{config.org_id}</organizationId>"
        f"<userName>{escape(config.username)}</userName></userInfo>"
        "</result></loginResponse>"
    )


async def soap_login(request: Request) -> Response:
    version = str(request.path_params["version"])
    if version not in sf_state(request).versions:
        return soap_fault("UNSUPPORTED_API_VERSION", f"Invalid Api version specified: {version}",
                          fault="sf:UnexpectedErrorFault")  # fmt: skip
    raw = await request.body()
    given = _credentials(raw) if len(raw) <= _MAX_BODY else None
    if given is None:
        return soap_fault("INVALID_SOAP_HEADER", "The request is not a login envelope.",
                          fault="sf:UnexpectedErrorFault")  # fmt: skip
    config = sf_state(request).config
    username, password = given
    expected = f"{config.password}{config.security_token}"
    if username != config.username or not hmac.compare_digest(password.encode(), expected.encode()):
        return soap_fault("INVALID_LOGIN", _INVALID_LOGIN)
    session_id = sf_state(request).tokens.issue_access()
    return Response(_envelope(_login_result(request, version, session_id)), media_type=_XML)


def build_soap_login_router() -> APIRouter:
    router = APIRouter()
    for path in (LOGIN_PATH, LOGIN_PATH + "/"):
        router.add_api_route(path, soap_login, methods=["POST"], include_in_schema=False)
    return router


__all__ = ["LOGIN_PATH", "build_soap_login_router", "soap_fault"]
