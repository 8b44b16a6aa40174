"""Start-up cost of the cleaning rules, against ``re`` compiling the same patterns.

    python bench/rules_load.py [--runs 7]

A pipeline worker is a fresh interpreter that loads the rules before its first
article. Each run here is one too (no ``re`` cache, nothing imported), timing:

- import: ``import crawler.cleaning``;
- load: ``load_rules()`` with the built-in rules (read and check the files,
  expand lists and vars, first characters, screens, compile);
- cached: ``load_rules(cache_dir=...)`` reading what a load before kept
  (crawler/cleaning/rulecache.py, what a crawl's worker does from its second
  run on: ``CLEAN_RULES_CACHE_DIR``); its regexes are compiled when first used;
- compile: ``re.compile`` of the very patterns a load produced (their final
  strings and flags) and nothing else: the floor of any loader of them
  compiling them all.

Times are CPU seconds of the process (``time.process_time``: on shared cores,
less noisy than the wall clock, which waits on the other processes too).
Prints the median and the fastest of --runs runs and load/compile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import ROOT  # noqa: E402  (the repository, put on sys.path)

_LOAD = """
import sys, time
t = time.process_time()
import crawler.cleaning
imported = time.process_time() - t
t = time.process_time()
rules = crawler.cleaning.load_rules(cache_dir=sys.argv[1] if len(sys.argv) > 1 else None)
loaded = time.process_time() - t
print(imported, loaded)
"""

_COMPILE = """
import json, re, sys, time
patterns = json.load(open(sys.argv[1]))
t = time.process_time()
for pattern, flags in patterns:
    re.compile(pattern, flags)
print(time.process_time() - t)
"""


def _run(code: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def _patterns() -> list[tuple[str, int]]:
    from crawler.cleaning import load_rules

    seen = {}
    for rule in load_rules().rules:
        for value in rule.compiled.values():
            if hasattr(value, "pattern") and hasattr(value, "flags"):
                seen[value.pattern, value.flags] = None
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    patterns = _patterns()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(patterns, f)
    times: dict[str, list[float]] = {"import": [], "load": [], "cached": [], "compile": []}
    with tempfile.TemporaryDirectory() as cache:
        _run(_LOAD, cache)  # fills the cache (untimed)
        try:
            for _ in range(args.runs):  # taking turns, so a busy moment hits all
                imported, loaded = _run(_LOAD)
                times["import"].append(imported)
                times["load"].append(loaded)
                times["cached"].append(_run(_LOAD, cache)[1])
                times["compile"] += _run(_COMPILE, f.name)
        finally:
            Path(f.name).unlink()
    print(f"{len(patterns)} distinct compiled patterns, {args.runs} fresh processes each")
    for name, values in times.items():
        print(f"{name:8} median {statistics.median(values) * 1000:6.0f} ms   fastest {min(values) * 1000:6.0f} ms")
    print(f"load/compile: median {statistics.median(times['load']) / statistics.median(times['compile']):.2f}x, "
          f"fastest {min(times['load']) / min(times['compile']):.2f}x")
    print(f"cached/load: median {statistics.median(times['cached']) / statistics.median(times['load']):.3f}x")


if __name__ == "__main__":
    main()
