#!/usr/bin/python3
"""Strict re-reading of what coexlab writes (SPEC §3-§4, the output-integrity checks).

usage: check_outputs.py COEXLAB run SCENARIO OUTDIR      `coexlab run`, then its files
       check_outputs.py COEXLAB bench SUITE_DIR OUTDIR   `coexlab bench`, then bench.csv

summary.json: valid JSON without NaN or Infinity, SPEC's fields with their types, null only
where SPEC allows it; moves.csv, utilisation.csv and bench.csv: SPEC's columns first and in
order, every row as wide as the header, numbers finite, states and statuses from SPEC's sets,
utilisation in [0, 1]; trace.json: one complete event per attempt with its args, no overlap
on a thread track, every track named. Exit 1 with every problem listed.
"""
import csv
import datetime
import json
import math
import subprocess
import sys

problems = []


def problem(text):
    problems.append(text)


def no_constants(name):
    raise ValueError(f"{name} is not JSON")


def number(value, where, allow_null=False):
    if value is None and allow_null:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problem(f"{where}: {value!r} is not a finite number")


def read_csv(path, spec_columns):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, strict=True))
    if not rows:
        problem(f"{path}: empty")
        return []
    header = rows[0]
    if header[: len(spec_columns)] != spec_columns:
        problem(f"{path}: header {header} does not start with SPEC's {spec_columns}")
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problem(f"{path}:{i}: {len(row)} fields for {len(header)} columns")
    return [dict(zip(header, row)) for row in rows[1:]]


def check_summary(path):
    with open(path) as f:
        s = json.load(f, parse_constant=no_constants)
    for key in ["coexlab_version", "scenario", "seed", "resolved", "migration", "bottleneck",
                "resources", "mail_flow", "checks"]:
        if key not in s:
            problem(f"{path}: no {key}")
    m = s.get("migration", {})
    for key in ["mailboxes_total", "mailboxes_moved", "mailboxes_failed", "bytes_moved"]:
        number(m.get(key), f"migration.{key}")
    for key in ["duration_s", "lower_bound_s"]:
        number(m.get(key), f"migration.{key}", allow_null=True)
    if not isinstance(m.get("completed"), bool):
        problem("migration.completed is not a boolean")
    if m.get("user_downtime_s") is not None:
        for key in ["mean", "p95", "max"]:
            number(m["user_downtime_s"].get(key), f"migration.user_downtime_s.{key}")
    for e in m.get("events", []):
        number(e.get("time_s"), "events[].time_s")
        if e.get("kind") not in ("dismount", "remount", "failure"):
            problem(f"event kind {e.get('kind')!r}")
    units = {"cpu": "Hz", "database_disk": "IOPS", "log_disk": "B/s", "nic": "bit/s",
             "log_space": "B", "database_space": "B", "hub_queue_disk": "IOPS",
             "lan": "bit/s", "link": "bit/s"}
    for r in s.get("resources", []):
        if units.get(r.get("kind")) != r.get("unit"):
            problem(f"resource {r.get('id')}: kind {r.get('kind')!r} with unit {r.get('unit')!r}")
        for key in ["mean_utilisation", "peak_utilisation"]:
            v = r.get(key)
            number(v, f"resource {r.get('id')}.{key}", allow_null=True)
            if isinstance(v, (int, float)) and not 0 <= v <= 1 + 1e-9:
                problem(f"resource {r.get('id')}.{key} = {v} outside [0, 1]")
    mail = s.get("mail_flow")
    if mail is not None:
        number(mail.get("messages_delivered"), "mail_flow.messages_delivered")
        if mail.get("latency_s") is not None:
            for key in ["mean", "p50", "p95", "max"]:
                number(mail["latency_s"].get(key), f"mail_flow.latency_s.{key}")
    return s


def check_run(binary, scenario, out):
    result = subprocess.run([binary, "run", scenario, "--out", out, "--quiet"],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1):  # 1: a check of the scenario failed
        problem(f"coexlab run exited {result.returncode}: {result.stderr[-500:]}")
        return
    summary = check_summary(f"{out}/summary.json")
    moves = read_csv(f"{out}/moves.csv", ["mailbox", "source", "target", "size_bytes", "items",
                                          "attempt", "queued_s", "start_s", "end_s", "thread",
                                          "state"])
    # SPEC §5.3: the display name (empty for a generated mailbox) follows SPEC §4's columns,
    # then §5.2's start and end; csv.reader(strict=True) above has already refused any field
    # quoted wrongly.
    with open(f"{out}/moves.csv", newline="") as f:
        header = next(csv.reader(f), [])
    if header[11:14] != ["name", "start", "end"]:
        problem(f"{out}/moves.csv: columns 12 to 14 are {header[11:14]}, not name, start, end")
    for i, row in enumerate(moves, start=2):
        for key in ("start", "end"):
            try:
                datetime.datetime.fromisoformat(row.get(key) or "")
            except ValueError:
                problem(f"moves.csv:{i}: {key} {row.get(key)!r} is not an ISO 8601 date-time")
                break
    names = {}
    for i, row in enumerate(moves, start=2):
        if names.setdefault(row.get("mailbox"), row.get("name")) != row.get("name"):
            problem(f"moves.csv:{i}: {row.get('mailbox')} has two names")
    for i, row in enumerate(moves, start=2):
        for key in ["size_bytes", "items", "attempt", "queued_s", "start_s", "end_s", "thread"]:
            try:
                if not math.isfinite(float(row[key])):
                    raise ValueError
            except ValueError:
                problem(f"moves.csv:{i}: {key} {row[key]!r}")
        if row["state"] not in ("moved", "cancelled", "failed", "unfinished"):
            problem(f"moves.csv:{i}: state {row['state']!r}")
        if float(row["end_s"]) < float(row["start_s"]):
            problem(f"moves.csv:{i}: ends before it starts")
    attempts = len(moves)
    moved = sum(1 for r in moves if r["state"] == "moved")
    if moved != summary["migration"]["mailboxes_moved"]:
        problem(f"moves.csv has {moved} moved rows, summary.json {summary['migration']['mailboxes_moved']}")
    if attempts == 0:
        problem("moves.csv has no attempt")
    check_trace(f"{out}/trace.json", attempts)
    ids = {r["id"] for r in summary["resources"]}
    for i, row in enumerate(read_csv(f"{out}/utilisation.csv", ["time_s", "resource", "utilisation"]), start=2):
        if row["resource"] not in ids:
            problem(f"utilisation.csv:{i}: resource {row['resource']!r} not in summary.json")
        u = float(row["utilisation"])
        if not (math.isfinite(u) and 0 <= u <= 1 + 1e-6):
            problem(f"utilisation.csv:{i}: utilisation {row['utilisation']}")


def check_trace(path, attempts):
    """trace.json (SPEC §5.2): strict JSON with traceEvents; one complete event per attempt,
    each with ts, dur and the move's args; events of one thread never overlap; every process
    and every thread track named by metadata; counters with a finite used_bytes."""
    with open(path) as f:
        trace = json.load(f, parse_constant=no_constants)
    events = trace.get("traceEvents")
    if not isinstance(events, list):
        problem(f"{path}: no traceEvents array")
        return
    spans, pids, named_pids, named_threads, moves = {}, set(), set(), set(), 0
    for i, e in enumerate(events):
        where = f"{path}: traceEvents[{i}]"
        if e.get("ph") not in ("X", "C", "M") or not isinstance(e.get("pid"), int):
            problem(f"{where}: ph {e.get('ph')!r}, pid {e.get('pid')!r}")
            continue
        pids.add(e["pid"])
        if e["ph"] == "X":
            moves += 1
            for key in ("ts", "dur", "tid"):
                number(e.get(key), f"{where}.{key}")
            args = e.get("args", {})
            for key in ("mailbox", "state", "bytes", "items"):
                if key not in args:
                    problem(f"{where}: no args.{key}")
            if args.get("state") not in ("moved", "cancelled", "failed", "unfinished"):
                problem(f"{where}: state {args.get('state')!r}")
            spans.setdefault((e["pid"], e.get("tid")), []).append((e.get("ts", 0), e.get("dur", 0)))
        elif e["ph"] == "C":
            number(e.get("ts"), f"{where}.ts")
            number(e.get("args", {}).get("used_bytes"), f"{where}.args.used_bytes")
        elif e.get("name") == "process_name":
            named_pids.add(e["pid"])
        elif e.get("name") == "thread_name":
            named_threads.add((e["pid"], e.get("tid")))
    if moves != attempts:
        problem(f"{path}: {moves} complete events for {attempts} attempts in moves.csv")
    for track, list_ in spans.items():
        if track not in named_threads:
            problem(f"{path}: thread track {track} has no thread_name")
        list_.sort()
        for (a, da), (b, _) in zip(list_, list_[1:]):
            if a + da > b:
                problem(f"{path}: events overlap on track {track} at ts {b}")
                break
    for p in sorted(pids - named_pids):
        problem(f"{path}: process {p} has no process_name")


def check_bench(binary, suite, out):
    result = subprocess.run([binary, "bench", suite, "--schedulers", "fifo,largest_first",
                             "--jobs", "2", "--out", out], capture_output=True, text=True)
    if result.returncode != 0:
        problem(f"coexlab bench exited {result.returncode}: {result.stderr[-500:]}")
        return
    rows = read_csv(f"{out}/bench.csv", ["variant_index", "status", "error", "scenario",
                                         "scheduler", "makespan_s", "lower_bound_s", "ratio",
                                         "downtime_mean_s", "downtime_p95_s", "cancelled",
                                         "overrun_s"])
    if [int(r["variant_index"]) for r in rows] != list(range(len(rows))) or not rows:
        problem("bench.csv: rows not in variant order")
    for r in rows:
        if r["status"] not in ("ok", "failed", "timeout"):
            problem(f"bench.csv: status {r['status']!r}")
        if r["status"] == "ok":
            for key in ["makespan_s", "lower_bound_s", "ratio"]:
                if not math.isfinite(float(r[key])):
                    problem(f"bench.csv: {key} {r[key]!r}")
            if float(r["ratio"]) < 1 - 1e-9:
                problem(f"bench.csv: {r['scenario']}/{r['scheduler']} beats its lower bound")


def main():
    binary, what, source, out = sys.argv[1:5]
    (check_run if what == "run" else check_bench)(binary, source, out)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
