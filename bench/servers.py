"""Apps served by real uvicorn in spawned children on loopback, for benchmarks that must not
share the client's GIL (bench.paging_bench)."""

from __future__ import annotations

import cProfile
import gc
import multiprocessing
import pstats
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

LOOPBACK = "127.0.0.1"
HEALTH_PATH = "/__harness/health"
START_TIMEOUT = 300.0  # seeding a large world in the child takes a while; allow slow CI


def _serve(
    build: Callable[..., FastAPI], args: tuple[Any, ...], conn: Connection, profile: str | None
) -> None:
    """Child process: build and seed the app, bind a free loopback port, report it, serve.

    With `profile`, the server runs under cProfile and writes its stats there when stopped
    (SIGTERM makes uvicorn shut down cleanly)."""
    try:
        app = build(*args)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, 0))
    except Exception as exc:
        conn.send(f"{build.__name__} did not start: {exc!r}")
        raise
    gc.collect()  # as `harness mock-up` does once the world is seeded
    gc.freeze()
    conn.send(sock.getsockname()[1])
    conn.close()
    # The settings `mocks.server.start_server` gives the mocks (loop and http: uvicorn's auto).
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    if profile is None:
        server.run(sockets=[sock])
        return
    # One profiler a thread: sync routes (NetSuite's SuiteQL) run in the threadpool.
    profilers = [cProfile.Profile()]

    def per_thread(*_: Any) -> None:
        profilers.append(cProfile.Profile())
        profilers[-1].enable()

    threading.setprofile(per_thread)
    # uvicorn re-raises SIGTERM once it has shut down; a no-op handler lets the stats be written.
    signal.signal(signal.SIGTERM, lambda *_: None)
    profilers[0].runcall(server.run, sockets=[sock])
    stats = pstats.Stats(profilers[0])
    for one in profilers[1:]:
        stats.add(one)
    stats.dump_stats(profile)


@contextmanager
def serve_apps(
    builds: dict[str, tuple[Callable[..., FastAPI], tuple[Any, ...]]],
    profile_dir: Path | None = None,
) -> Iterator[dict[str, str]]:
    """Run each `build(*args)` under uvicorn in its own spawned child (`build` a module-level
    function, so the child can import it), all starting at once; yield name -> URL when all
    serve, stop them after (only these children)."""
    ctx = multiprocessing.get_context("spawn")
    children: dict[str, tuple[BaseProcess, Connection]] = {}
    try:
        for name, (build, args) in builds.items():
            receiver, sender = ctx.Pipe(duplex=False)
            profile = None if profile_dir is None else str(profile_dir / f"{name}.prof")
            proc: BaseProcess = ctx.Process(
                target=_serve, args=(build, args, sender, profile), daemon=True
            )
            proc.start()
            sender.close()
            children[name] = (proc, receiver)
        yield {name: _started(name, proc, receiver) for name, (proc, receiver) in children.items()}
    finally:
        for proc, receiver in children.values():
            receiver.close()
            if proc.is_alive():
                proc.terminate()
        for proc, _ in children.values():
            proc.join(15)
            if proc.is_alive():
                proc.kill()
                proc.join(5)


def _started(name: str, proc: BaseProcess, receiver: Connection) -> str:
    """The URL of a child once it has reported its port and answers its health check."""
    deadline = time.monotonic() + START_TIMEOUT
    while not receiver.poll(0.1):
        if not proc.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{name} server did not start (exit code {proc.exitcode})")
    try:
        message = receiver.recv()
    except EOFError:
        raise RuntimeError(f"{name} server exited while starting") from None
    if isinstance(message, str):
        raise RuntimeError(message)
    url = f"http://{LOOPBACK}:{message}"
    _wait_ready(url, proc)
    return url


def _wait_ready(url: str, proc: BaseProcess) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + HEALTH_PATH, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if not proc.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server at {url} never answered {HEALTH_PATH}")
        time.sleep(0.05)
