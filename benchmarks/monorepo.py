"""Whole-process wall time and peak memory of `ab-lint` on a large tree, by default polkadot-sdk.

The budget this checks (issue: discovery linear in crates) is polkadot-sdk at upstream commit
92b7dd505d60377b03cdb9045fb835d33d22c5b5 (2025-12-18; about 4,700 .rs files, 570 manifests,
14 runtimes) under 1.5 s and 200 MB for one `ab-lint --format json` process. The script does not
fetch the tree; get it once with

    git clone --filter=blob:none https://github.com/paritytech/polkadot-sdk /tmp/polkadot-sdk
    git -C /tmp/polkadot-sdk checkout 92b7dd505d60377b03cdb9045fb835d33d22c5b5

or, from an existing clone, `mkdir /tmp/psdk && git archive 92b7dd50 | tar -x -C /tmp/psdk`.

Usage: python benchmarks/monorepo.py PATH [--runs N] [--warmup N] [-- EXTRA ARGS FOR ab-lint]

Each run is a fresh process (`python -m ab_lint --format json --exit-zero PATH`), so imports,
manifest parsing and tree-sitter parsing all count, as they do for a user. Peak memory is the
child's own maximum resident set (getrusage of the reaped process), not this script's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WALL_BUDGET_S, RSS_BUDGET_MB = 1.5, 200.0


def run_once(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one process running `command`."""
    # stderr to a file, not a pipe: nothing reads a pipe while wait4 blocks, so a chatty
    # failure could fill it and hang the run.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors,
                                # `-m` puts the working folder first on sys.path: run
                                # from this checkout so its ab_lint is the one measured
                                cwd=ROOT)
        # wait4 rather than proc.wait(): it hands back the rusage of this one child, whose
        # ru_maxrss is the figure wanted (RUSAGE_CHILDREN would be the largest child so far).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace").strip()
    if proc.returncode not in (0, 1) and err:
        print(f"  stderr: {err[-300:]}", file=sys.stderr)
    # Linux reports KiB, macOS bytes.
    rss_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return wall, rss_mb, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the tree to lint, e.g. a polkadot-sdk checkout")
    parser.add_argument("--runs", type=int, default=5, help="counted runs (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="runs first, not counted, to warm the file cache (default 1)")
    parser.add_argument("extra", nargs="*", help="more ab-lint arguments, after `--`")
    args = parser.parse_args()
    if not args.path.is_dir():
        parser.error(f"{args.path} is not a directory (see the module docstring to get the tree)")
    command = [sys.executable, "-m", "ab_lint", "--format", "json", "--exit-zero",
               *args.extra, str(args.path.resolve())]
    print("command:", " ".join(command))
    walls: list[float] = []
    peaks: list[float] = []
    for i in range(args.warmup + args.runs):
        wall, rss, code = run_once(command)
        counted = i >= args.warmup
        print(f"  {'run' if counted else 'warm-up'} {i + 1}: {wall:6.3f} s  {rss:6.1f} MB  "
              f"exit {code}", flush=True)
        if code not in (0, 1):
            print("ab-lint failed; figures are not meaningful", file=sys.stderr)
            return 2
        if counted:
            walls.append(wall)
            peaks.append(rss)
    if not walls:
        return 0
    wall_med, rss_max = statistics.median(walls), max(peaks)
    print(f"wall s: min {min(walls):.3f}  median {wall_med:.3f}  max {max(walls):.3f}")
    print(f"peak MB: min {min(peaks):.1f}  median {statistics.median(peaks):.1f}  "
          f"max {rss_max:.1f}")
    print(f"budget {WALL_BUDGET_S} s / {RSS_BUDGET_MB:.0f} MB: "
          f"wall {'within' if wall_med < WALL_BUDGET_S else 'OVER'}, "
          f"memory {'within' if rss_max < RSS_BUDGET_MB else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
