#!/usr/bin/env python3
"""Sweeps over MPI: dispatch cost per variant and parallel efficiency (printed, never asserted).

Usage: python3 bench/mpi_scale.py [build/coexlab] [--count N] [--variants V]

1. Dispatch cost. A sweep of tiny variants (10 mailboxes, about the cost of starting
   `coexlab run`) with V and 4V variants, on this machine with --jobs 1 and under
   `mpirun -n 2` (one worker): the slope of wall time over variants is the cost per variant;
   MPI's slope minus the local one is what handing a variant to a rank and its row back costs.
   The intercept is mpirun's start-up.
2. Parallel efficiency. A sweep of V variants of N mailboxes (default 6000: about a second
   each) with --jobs 1 (T1) and under mpirun with 1 and 2 workers (Tk):
   efficiency(k) = T1 / (k * Tk). On a shared 2-core machine 2 workers is the most it can show.
"""
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
binary = args.pop(0) if args and not args[0].startswith("--") else os.path.join(here, "..", "build", "coexlab")
count, variants = 6000, 8
while args:
    flag = args.pop(0)
    if flag == "--count":
        count = int(args.pop(0))
    elif flag == "--variants":
        variants = int(args.pop(0))
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]

SCENARIO = open(os.path.join(here, "..", "tests", "mpi", "mpi_sweeps.py")).read()
SCENARIO = SCENARIO.split('SCENARIO = """', 1)[1].split('"""', 1)[0]


def write(tmp, n):
    path = os.path.join(tmp, "s-%d.yaml" % n)
    with open(path, "w") as f:
        f.write(SCENARIO.replace("COUNT", str(n)))
    return path


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def sweep(file, n, workers):
    # Every variant the same work: seeds vary (duration differs a little, cost does not).
    vary = ["--vary", "seed=" + ",".join(str(i + 1) for i in range(n))]
    cmd = [binary, "whatif", file] + vary
    if workers == 0:
        return timed(cmd + ["--jobs", "1"])
    return timed(MPIRUN + ["-n", str(workers + 1)] + cmd + ["--mpi"])


with tempfile.TemporaryDirectory() as tmp:
    tiny = write(tmp, 10)
    print("## Dispatch cost (tiny variants: 10 mailboxes)\n")
    print("| where | %d variants | %d variants | per variant | start-up |" % (variants, 4 * variants))
    print("|---|---|---|---|---|")
    slope = {}
    for workers, name in ((0, "--jobs 1"), (1, "mpirun -n 2 (1 worker)")):
        a, b = sweep(tiny, variants, workers), sweep(tiny, 4 * variants, workers)
        slope[workers] = (b - a) / (3 * variants)
        print("| %s | %.2f s | %.2f s | %.1f ms | %.2f s |"
              % (name, a, b, slope[workers] * 1e3, a - slope[workers] * variants))
    print("\nDispatch cost per variant (MPI minus local): %.1f ms\n"
          % ((slope[1] - slope[0]) * 1e3))

    big = write(tmp, count)
    print("## Parallel efficiency (%d variants of %d mailboxes)\n" % (variants, count))
    print("| where | wall | efficiency |")
    print("|---|---|---|")
    t1 = sweep(big, variants, 0)
    print("| --jobs 1 | %.2f s | 1.00 |" % t1)
    for k in (1, 2):
        tk = sweep(big, variants, k)
        print("| mpirun -n %d (%d worker%s) | %.2f s | %.2f |" % (k + 1, k, "s" if k > 1 else "", tk, t1 / (k * tk)))
    print("\nmachine: %d cores, load average %.2f at the end" % (os.cpu_count(), os.getloadavg()[0]))
