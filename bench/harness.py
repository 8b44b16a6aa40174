"""What the benches share: arguments, interleaved rounds, CPU timing, JSON results.

    from harness import ROOT, arguments, interleaved, write_results

- ``arguments(doc)``: an ``argparse`` parser with the options every bench
  takes (``--rounds``, ``--json PATH`` to write the figures as JSON), its
  description the first paragraph of ``doc``.
- ``interleaved(sides, rounds)``: each side (a name -> a function of no
  argument) run once per round, the sides alternating within every round
  (ours, peer, ours, peer...), so a neighbour's load falls on both alike;
  per side, each round's CPU time of this process (``time.process_time``) and
  wall time.
- ``Timing.best`` / ``Timing.median``: the fastest or median round's CPU
  seconds; ``ratio(peer, ours)``: how many times faster ours is.
- ``write_results(path, results)``: the figures, and the command that printed
  them, as JSON (nothing if ``path`` is None).
- ``cpu_seconds(pid)``, ``waited_seconds(pid)``, ``tree_sample(pid, cpu, waited)``:
  a process's CPU time so far, and its time ready to run but waiting for a CPU;
  the resident memory of a process and its children (a crawl and its pipeline
  workers), recording each one's CPU time and wait (Linux ``/proc``).

Importing it puts the repository on ``sys.path`` (the benches run as scripts).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def arguments(doc: str | None, rounds: int = 3) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(doc or "").strip().split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=rounds, help=f"timed rounds per side (default {rounds})")
    parser.add_argument("--json", type=Path, help="also write the figures to this file as JSON")
    return parser


@dataclass
class Timing:
    cpu: list[float] = field(default_factory=list)  # seconds of this process's CPU, per round
    wall: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.cpu)


def timed(fn: Callable[[], object], timing: Timing) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    timing.cpu.append(time.process_time() - cpu)
    timing.wall.append(time.perf_counter() - wall)
    return result


def interleaved(sides: dict[str, Callable[[], object]], rounds: int) -> dict[str, Timing]:
    """Each side once per round, alternating; their timings by name."""
    timings = {name: Timing() for name in sides}
    for _ in range(rounds):
        for name, fn in sides.items():
            timed(fn, timings[name])
    return timings


def ratio(peer: float, ours: float) -> float:
    return peer / ours if ours > 0 else float("inf")


def write_results(path: Path | None, results: dict) -> None:
    if path is None:
        return
    record = {"command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]), **results}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError):
        return None


def waited_seconds(pid: int) -> float | None:
    """Seconds a process has been ready to run but waiting for a CPU (Linux
    ``/proc/PID/schedstat``; None once it is gone, or without schedstat)."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def tree_sample(pid: int, cpu: dict[int, float], waited: dict[int, float] | None = None) -> float:
    """Resident memory of a process and its children (the pipeline workers), MB;
    records the CPU time of each of them in ``cpu`` (and in ``waited`` the time
    each waited for a CPU)."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            if (seconds := cpu_seconds(current)) is not None:
                cpu[current] = seconds
            if waited is not None and (seconds := waited_seconds(current)) is not None:
                waited[current] = seconds
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pids += [int(child) for child in children.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024
