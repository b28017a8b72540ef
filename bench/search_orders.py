#!/usr/bin/python3
"""Best-known queue orders for the scheduler benchmark: writes SUITE/best_known.csv.

usage: bench/search_orders.py [--coexlab build/coexlab] [--orders 40] [--jobs 2] [SUITE]
       (SUITE default bench/suite)

For every scenario of the suite, runs it through the simulator (`coexlab run`) under
  - `fifo` on --orders random queue orders (`--set migration.order_seed=K`, K = 1..N: each a
    uniformly random permutation of the whole queue, models/mailboxes.cpp), and
  - every built-in single-rule scheduler on the queue as written (the orders they make;
    not `portfolio`, which only follows one of them),
and keeps the shortest makespan among the runs that moved every mailbox that did not fail.
That makespan is the scenario's best-known one: `coexlab bench` divides each cell's makespan
by it (best_known_ratio). It is an upper bound on the optimum, found by search, not proven:
a later search may lower it; the simple lower bound (`lower_bound_s`) stays the proven side.

Columns: scenario, best_known_s, found_by (`order_seed=K` or `scheduler=NAME`), orders_tried
(runs compared), fifo_random_best_s (the best random order alone), fifo_random_median_s.
Same binary, suite and --orders: the same file (every run is deterministic).
"""
import argparse
import concurrent.futures
import csv
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def schedulers(coexlab):
    schema = json.loads(subprocess.run([coexlab, "schema"], check=True, capture_output=True,
                                       text=True).stdout)
    return schema["properties"]["migration"]["properties"]["scheduler"]["enum"]


def simulate(coexlab, scenario, sets, out):
    args = [coexlab, "run", scenario, "--out", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, capture_output=True)
    try:
        with open(os.path.join(out, "summary.json")) as f:
            mig = json.load(f)["migration"]
    except (OSError, ValueError):
        return None
    unmoved = mig["mailboxes_total"] - mig["mailboxes_moved"] - mig["mailboxes_failed"]
    if unmoved != 0 or mig["duration_s"] is None:
        return None
    return mig["duration_s"]


def twelve_digits(x):
    return float(f"{x:.12g}")  # as summary.json rounds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--coexlab", default=os.path.join(ROOT, "build", "coexlab"))
    parser.add_argument("--orders", type=int, default=40, help="random orders per scenario")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("suite", nargs="?", default=os.path.join(ROOT, "bench", "suite"))
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.suite, "*.yaml")))
    if not files:
        sys.exit(f"{args.suite}: no scenario (*.yaml)")
    names = [s for s in schedulers(args.coexlab) if s != "portfolio"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for path in files:
            name = os.path.splitext(os.path.basename(path))[0]
            runs = [(f"order_seed={k}", ["migration.scheduler=fifo", f"migration.order_seed={k}"])
                    for k in range(1, args.orders + 1)]
            runs += [(f"scheduler={s}", [f"migration.scheduler={s}"]) for s in names]
            futures = [pool.submit(simulate, args.coexlab, path, sets,
                                   os.path.join(tmp, f"{name}-{i}"))
                       for i, (_, sets) in enumerate(runs)]
            results = [(f.result(), label) for f, (label, _) in zip(futures, runs)]
            done = [(m, label) for m, label in results if m is not None]
            if not done:
                print(f"{name}: no run moved every mailbox", file=sys.stderr)
                continue
            # The shortest; among equals the first in run order (deterministic).
            best, found_by = min(done, key=lambda r: r[0])
            random_orders = [m for m, label in done if label.startswith("order_seed=")]
            with open(path) as f:
                scenario_name = next((line.split(":", 1)[1].strip().strip('"')
                                      for line in f if line.startswith("scenario:")), name)
            rows.append({
                "scenario": scenario_name, "best_known_s": twelve_digits(best), "found_by": found_by,
                "orders_tried": len(done),
                "fifo_random_best_s": twelve_digits(min(random_orders)) if random_orders else "",
                "fifo_random_median_s":
                    twelve_digits(statistics.median(random_orders)) if random_orders else "",
            })
            print(f"{scenario_name}: best known {best:.1f} s ({found_by}), "
                  f"{len(done)} of {len(runs)} runs complete", flush=True)
    out = os.path.join(args.suite, "best_known.csv")
    with open(out + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(out + ".tmp", out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
