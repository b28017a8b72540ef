#!/usr/bin/python3
"""Runs `coexlab run` on a scenario and checks fields of its summary.json.

usage: run_and_check.py COEXLAB SCENARIO OUTDIR FIELD=VALUE...
FIELD is a dotted path into summary.json; VALUE is compared as JSON (true, 26879, "x").
Also re-reads moves.csv strictly: one row per attempt, SPEC's columns in order.
"""
import csv
import json
import subprocess
import sys


def main() -> int:
    binary, scenario, out = sys.argv[1:4]
    result = subprocess.run([binary, "run", scenario, "--out", out, "--quiet"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr)
        print(f"coexlab run exited {result.returncode}")
        return 1
    summary = json.load(open(f"{out}/summary.json"))
    failures = 0
    for assertion in sys.argv[4:]:
        path, expected = assertion.split("=", 1)
        value = summary
        for key in path.split("."):
            value = value[key]
        if value != json.loads(expected):
            print(f"{path}: expected {expected}, got {json.dumps(value)}")
            failures += 1
    with open(f"{out}/moves.csv", newline="") as f:
        rows = list(csv.reader(f))
    header = "mailbox,source,target,size_bytes,items,attempt,queued_s,start_s,end_s,thread,state".split(",")
    if rows[0][: len(header)] != header:
        print(f"moves.csv header {rows[0]}")
        failures += 1
    states = {"moved", "cancelled", "failed", "unfinished"}
    for row in rows[1:]:
        if len(row) != len(rows[0]) or row[10] not in states or float(row[8]) < float(row[7]):
            print(f"bad moves.csv row {row}")
            failures += 1
            break
    print(f"{scenario}: {len(rows) - 1} attempts, duration {summary['migration']['duration_s']} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
