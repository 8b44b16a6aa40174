"""Running the real ``scrapy`` command with the project's settings."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def scrapy_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    env.update(extra)
    return env


def run_scrapy(*args: str, cwd: Path, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``scrapy ARGS`` with the project's settings, from ``cwd``. ``timeout`` only
    guards against a hang: on a machine at load 17 a small crawl took 95 s."""
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd, env=scrapy_env(), capture_output=True, text=True, timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, f"scrapy {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
