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

Importing it puts the repository on ``sys.path`` (the benches run as scripts).
"""

from __future__ import annotations

import argparse
import json
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
