"""The page budget (crawler/runtime/budget.py): its memory reading and its clock."""

from __future__ import annotations

import os
import sys

import pytest

from crawler.runtime import budget


def _statm_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * budget._PAGE


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_resident_memory_is_read_anew_each_time_and_in_a_forked_child_its_own():
    before = budget._rss()
    grown = bytearray(64 * 2**20)
    grown[:: budget._PAGE] = b"\1" * len(grown[:: budget._PAGE])  # touched: resident
    after = budget._rss()
    assert after - before >= 60 * 2**20
    assert abs(after - _statm_rss()) < 8 * 2**20
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child frees what the parent holds: its own figure must say so
        del grown
        os.write(write, str(budget._rss()).encode())
        os._exit(0)
    os.close(write)
    child = int(os.read(read, 64))
    os.waitpid(pid, 0)
    assert child < after - 48 * 2**20


def test_the_time_budget_counts_the_stages_cpu_not_the_wait():
    """A page's time is the CPU its stages spend: a stage that waits (for a core
    on a busy machine, here in a sleep) spends none of it; one that computes
    past the budget is stopped."""
    import time as clock

    page = budget.PageBudget(seconds=0.2, megabytes=0)
    page.install()
    page.start_page()
    page.stage(clock.sleep, 0.5)  # 0.5 s of wall time, no CPU: within a 0.2 s budget
    assert page.why == "" and page.spent() < 0.2

    def compute():
        while page.spent() < 5:  # stopped long before: the watchdog raises at 0.2 s of CPU
            sum(range(1000))

    page.start_page()
    with pytest.raises(budget.OverBudget):
        page.stage(compute)
    assert "time budget" in page.why and 0.2 < page.spent() < 5
