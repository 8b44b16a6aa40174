"""bench/harness.py: the sides take turns within each round, and the figures are CPU seconds."""

import json
import sys

from tests.support import REPO

sys.path.insert(0, str(REPO / "bench"))
import harness  # noqa: E402


def test_sides_take_turns_and_are_timed_per_round(tmp_path):
    calls = []
    timings = harness.interleaved({"ours": lambda: calls.append("ours"),
                                   "peer": lambda: calls.append("peer") or sum(range(200_000))}, rounds=3)
    assert calls == ["ours", "peer"] * 3
    assert len(timings["ours"].cpu) == len(timings["peer"].wall) == 3
    assert timings["peer"].best > 0 and timings["peer"].best <= timings["peer"].median
    assert harness.ratio(2.0, 0.5) == 4.0
    out = tmp_path / "figures.json"
    harness.write_results(out, {"ratio": 4.0})
    assert json.loads(out.read_text())["ratio"] == 4.0
    args = harness.arguments("Speed of X.\n\nMore.").parse_args(["--rounds", "2"])
    assert (args.rounds, args.json) == (2, None)
