#!/usr/bin/python3
"""Wall time and peak memory of `coexlab run` on the field case, scaled to N moved mailboxes.

usage: bench/field_case_scale.py [--coexlab build/coexlab] [--moves-only] [N ...]
       (default: 4000 40000; the users' load is simulated unless --moves-only)

Every database's mailbox count in scenarios/field-case-1.yaml is multiplied by
N / (mailboxes the shipped file moves), so the layout, the plan and the mix stay the same.
Prints one line per size: mailboxes moved, simulated duration, wall seconds, peak RSS.
Figures are printed, never asserted (a benchmark is not a test).
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "field-case-1.yaml")
SHIPPED_MOVED = 26879  # active mailboxes the shipped file moves


def scaled(text: str, factor: float) -> str:
    return re.sub(r"(\bcount:\s*)(\d+)", lambda m: f"{m.group(1)}{max(1, round(int(m.group(2)) * factor))}", text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coexlab", default=os.path.join(ROOT, "build", "coexlab"))
    parser.add_argument("--moves-only", action="store_true", help="--set workload=none")
    parser.add_argument("sizes", nargs="*", type=int, default=[4000, 40000])
    args = parser.parse_args()
    text = open(SCENARIO).read()
    print(f"{'target':>8} {'moved':>8} {'simulated':>12} {'wall_s':>8} {'peak_MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, f"field-{n}.yaml")
            open(path, "w").write(scaled(text, n / SHIPPED_MOVED))
            out = os.path.join(tmp, f"out-{n}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.monotonic()
            command = [args.coexlab, "run", path, "--out", out, "--quiet"]
            if args.moves_only:
                command += ["--set", "workload=none"]
            result = subprocess.run(command, capture_output=True, text=True)
            wall = time.monotonic() - start
            peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if result.returncode != 0:
                print(result.stderr, file=sys.stderr)
                return 1
            summary = json.load(open(os.path.join(out, "summary.json")))["migration"]
            days = summary["duration_s"] / 86400 if summary["duration_s"] is not None else float("nan")
            # ru_maxrss of children is the largest child so far: sizes run in increasing order.
            note = "" if peak_kib > before else " (peak of an earlier run)"
            print(f"{n:>8} {summary['mailboxes_moved']:>8} {days:>10.1f} d {wall:>8.2f} {peak_kib / 1024:>9.1f}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
