"""Run a mock app on a real uvicorn server on loopback, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from mocks.tls import TlsMaterial

LOOPBACK = "127.0.0.1"


class ServerStartError(RuntimeError):
    pass


@dataclass
class RunningServer:
    """A started server; `stop()` shuts it down and joins its thread."""

    app: FastAPI
    host: str
    port: int
    scheme: str
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    app: FastAPI,
    *,
    port: int = 0,
    tls: TlsMaterial | None = None,
    host: str = LOOPBACK,
    startup_timeout: float = 15.0,
) -> RunningServer:
    """Bind `host:port` (0 = a free port), start uvicorn in a thread, wait until it serves."""
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise ServerStartError(f"mocks only listen on loopback, not {host!r}")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        ssl_certfile=str(tls.cert_path) if tls else None,
        ssl_keyfile=str(tls.cert_path) if tls else None,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise ServerStartError(f"uvicorn exited while starting on {host}:{bound_port}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise ServerStartError(f"uvicorn did not start on {host}:{bound_port} in time")
        time.sleep(0.01)
    return RunningServer(app, host, bound_port, "https" if tls else "http", server, thread)
