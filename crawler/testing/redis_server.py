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


@contextlib.contextmanager
def redis_server():
    """Yield the URL of a fresh redis-server; stop it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisServerError("redis-server not found: install it (apt-get install -y redis-server)")
    import redis

    with tempfile.TemporaryDirectory() as workdir:
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", workdir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            for _ in range(200):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if process.poll() is not None:
                        raise RedisServerError(f"redis-server exited with {process.returncode}")
                    time.sleep(0.02)
            else:
                raise RedisServerError("redis-server did not answer")
            client.close()
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
