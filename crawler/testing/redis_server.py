"""A throwaway redis-server on 127.0.0.1 for tests of the Redis backend.

A missing ``redis-server`` binary is an error, not a skip: CI installs it
(``apt-get install redis-server``) and the Redis backend must be tested."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time


class RedisServerError(RuntimeError):
    """The server could not be started: a test using it fails."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server on a fixed port of 127.0.0.1 that a test can kill and start
    again: with its data (``appendonly``, fsync always) or empty."""

    def __init__(self, workdir: str):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RedisServerError("redis-server not found: install it (apt-get install -y redis-server)")
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, empty: bool = False) -> None:
        if empty:
            shutil.rmtree(f"{self.workdir}/appendonlydir", ignore_errors=True)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", self.workdir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        _wait_until_up(self.url, self.process)

    def kill(self) -> None:
        """SIGKILL: no shutdown, clients see the connection drop."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        for _ in range(500):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if process.poll() is not None:
                    raise RedisServerError(f"redis-server exited with {process.returncode}") from None
                time.sleep(0.02)
        raise RedisServerError("redis-server did not answer")
    finally:
        client.close()


@contextlib.contextmanager
def restartable_redis_server():
    """Yield a ``RedisServer``, started; killed afterwards."""
    with tempfile.TemporaryDirectory() as workdir:
        server = RedisServer(workdir)
        server.start()
        try:
            yield server
        finally:
            server.kill()


@contextlib.contextmanager
def redis_server():
    """Yield the URL of a fresh redis-server; stop it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisServerError("redis-server not found: install it (apt-get install -y redis-server)")
    with tempfile.TemporaryDirectory() as workdir:
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", workdir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
