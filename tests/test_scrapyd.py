"""Deploy the project to a real scrapyd on 127.0.0.1 and run a crawl through its API."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support import REPO, read_jsonl


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port: int, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    url = f"http://127.0.0.1:{port}/{endpoint}"
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 2\n",
        encoding="utf-8",
    )
    scrapyd_bin = Path(sys.executable).with_name("scrapyd")
    process = subprocess.Popen([str(scrapyd_bin)], cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert api(port, "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()[-2000:]
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)
        yield port, home
    finally:
        process.terminate()
        process.wait(10)


def deploy(port: int, tmp_path: Path) -> None:
    """`scrapyd-deploy` from a copy of the project whose scrapy.cfg names this scrapyd."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "crawler", project / "crawler", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "setup.py", project)
    config = (REPO / "scrapy.cfg").read_text(encoding="utf-8")
    (project / "scrapy.cfg").write_text(config + f"\n[deploy:test]\nurl = http://127.0.0.1:{port}/\nproject = crawler\n")
    deploy_bin = Path(sys.executable).with_name("scrapyd-deploy")
    result = subprocess.run([str(deploy_bin), "test", "--version", "1"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"status": "ok"' in result.stdout + result.stderr


def test_deploy_and_crawl_through_the_api(scrapyd, tmp_path):
    port, home = scrapyd
    deploy(port, tmp_path)
    assert api(port, "listprojects.json")["projects"] == ["crawler"]
    assert "files" in api(port, "listspiders.json?project=crawler")["spiders"]

    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    job = api(port, "schedule.json", [
        ("project", "crawler"), ("spider", "files"), ("path", str(REPO / "samples")),
        ("setting", "FEEDS=" + json.dumps({str(out): {"format": "jsonlines"}})),
        ("setting", f"REJECTS_URI={rejects}"),
        ("setting", f"ATOM_FEED_PATH={tmp_path / 'atom' / '%(source)s.xml'}"),
    ])
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 90
    while not any(j["id"] == job["jobid"] for j in api(port, "listjobs.json?project=crawler")["finished"]):
        assert time.monotonic() < deadline, "the scrapyd job did not finish"
        time.sleep(0.5)
    log = next((home / "logs" / "crawler" / "files").glob("*.log")).read_text(encoding="utf-8")
    assert "Traceback" not in log, log[-3000:]
    articles = read_jsonl(out)
    assert len(articles) == 3, log[-3000:]
    assert {a["source"] for a in articles} >= {"text"}
    assert [r["reason"] for r in read_jsonl(rejects)] == ["deleted"]
