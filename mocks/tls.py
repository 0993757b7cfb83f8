"""A throwaway certificate authority and a loopback server certificate, made with trustme."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TlsMaterial:
    ca_path: Path  # give this to clients (requests' `verify=`, httpx's `verify=`, SSL_CERT_FILE)
    cert_path: Path  # server key and certificate chain in one PEM file


def ensure_tls(directory: Path) -> TlsMaterial:
    """Create (once) a CA and a certificate for 127.0.0.1 / localhost under `directory`."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # it holds a private key
    material = TlsMaterial(directory / "ca.pem", directory / "server.pem")
    if material.ca_path.exists() and material.cert_path.exists():
        return material
    ca = trustme.CA(organization_name="crm-erp-harness local CA")
    leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca.cert_pem.write_to_path(str(material.ca_path))
    leaf.private_key_and_cert_chain_pem.write_to_path(str(material.cert_path))
    material.cert_path.chmod(0o600)
    return material
