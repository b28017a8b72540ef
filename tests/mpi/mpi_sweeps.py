#!/usr/bin/env python3
"""Sweeps over MPI against the same sweeps on one machine (SPEC 5.6).

Usage: mpi_sweeps.py COEXLAB SOURCE_DIR WORK_DIR CASE

Each CASE runs a sweep command once with --jobs 1 and once under
`mpirun --allow-run-as-root --oversubscribe -n 3 ... --mpi` (rank 0 and two workers, on
loopback) and asserts that the rows (stdout --json and DIR/COMMAND.csv) are byte-identical.
The kill cases kill a worker rank, or mpirun itself, mid-sweep and assert that --resume under
MPI gives the rows of the uninterrupted run.
"""
import csv as csvmod
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

COEXLAB, SOURCE, WORK, CASE = sys.argv[1:5]
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "3"]

# Moves only, realistic costs: COUNT mailboxes of one 2003 database to a 2007 box.
SCENARIO = """
scenario: mpi
seed: 2
start: 2007-06-01T20:00
sites: [ { name: HQ } ]
links: []
servers:
  - name: OLD
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps, database_disk: { iops: 2000 },
                log_disk: { throughput: 60 MB/s, capacity: 10 TB } }
    databases: [ { name: DB, mailboxes: { count: COUNT, size: 50 MB } } ]
  - name: NEW
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 1 Gbps, database_disk: { iops: 4000 },
                log_disk: { throughput: 200 MB/s, capacity: 100 TB } }
    databases: [ { name: DB } ]
workload: none
migration: { mover: NEW, max_threads: 4, bad_item_limit: 100000, batches: [ { from: OLD/DB, to: NEW/DB } ] }
checks:
  - migration.completed == true
  - migration.duration < 1 h
"""


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def scenario(count):
    path = os.path.join(WORK, "mpi-%d.yaml" % count)
    with open(path, "w") as f:
        f.write(SCENARIO.replace("COUNT", str(count)))
    return path


def run(args, mpi, out=None, check_exit=(0,)):
    jobs = [] if args[0] == "test" else ["--jobs", "1"]  # test runs one scenario at a time
    cmd = (MPIRUN + [COEXLAB] + args + ["--mpi"]) if mpi else ([COEXLAB] + args + jobs)
    if out:
        cmd += ["--out", out]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    if p.returncode not in check_exit:
        fail("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def without_column(column, json_rows, csv_bytes):
    """--json's rows and a CSV without `column`, after checking that every row has a number in
    it (bench's scheduler_cpu_s: a measurement of the machine, the one column a rerun does not
    reproduce)."""
    rows = json.loads(json_rows)
    for row in rows:
        if row["status"] == "ok" and not isinstance(row.get(column), (int, float)):
            fail("%s: no number in %s" % (column, json.dumps(row)))
        row.pop(column, None)
    table = list(csvmod.reader(io.StringIO(csv_bytes.decode())))
    at = table[0].index(column)
    out = io.StringIO()
    csvmod.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1:] for r in table])
    return json.dumps(rows).encode(), out.getvalue().encode()


def same_rows(command, args, csv, check_exit=(0,), measured=None):
    """The command with --jobs 1 and under MPI: stdout and CSV byte for byte (but the
    `measured` column, which must hold a number on both sides)."""
    here, there = os.path.join(WORK, "here"), os.path.join(WORK, "mpi")
    local = run(args + ["--json"], False, here, check_exit)
    remote = run(args + ["--json"], True, there, check_exit)
    a, b = read(os.path.join(here, csv)), read(os.path.join(there, csv))
    if measured:
        local, a = without_column(measured, local, a)
        remote, b = without_column(measured, remote, b)
    if local != remote:
        fail("%s: --json rows differ under MPI:\n%s\n---\n%s" % (command, local[:2000], remote[:2000]))
    if a != b:
        fail("%s: %s differs under MPI:\n%s\n---\n%s" % (command, csv, a.decode(), b.decode()))
    rows = a.count(b"\n") - 1
    if rows < 2:
        fail("%s: only %d rows" % (command, rows))
    print("%s: %d rows byte-identical to --jobs 1" % (command, rows))
    return a


def rank_pid(mpirun_pid, rank):
    """The pid of MPI rank `rank` among mpirun's children (OMPI_COMM_WORLD_RANK)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != mpirun_pid:
                continue
            with open("/proc/%s/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if ("OMPI_COMM_WORLD_RANK=%d" % rank).encode() in env:
            return int(pid)
    return None


def kill_midway(victim):
    """A sweep of 8 variants (each some seconds) killed once its first row is durable; then
    --resume under MPI. The rows must be those of the uninterrupted --jobs 1 sweep."""
    file = scenario(12000)
    args = ["whatif", file, "--vary", "migration.max_threads=1,2,3,4,5,6,7,8"]
    whole = os.path.join(WORK, "whole")
    run(args, False, whole)
    killed = os.path.join(WORK, "killed")
    csv = os.path.join(killed, "whatif.csv")
    p = subprocess.Popen(MPIRUN + [COEXLAB] + args + ["--mpi", "--out", killed],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 600
    while time.time() < deadline:
        if os.path.exists(csv) and read(csv).count(b"\n") >= 2:
            break
        if p.poll() is not None:
            fail("the sweep ended before it could be killed")
        time.sleep(0.05)
    else:
        fail("no row after 600 s")
    if victim == "worker":
        pid = rank_pid(p.pid, 1)
        if pid is None:
            fail("rank 1 not found")
        os.kill(pid, signal.SIGKILL)
    else:
        p.send_signal(signal.SIGKILL)
    p.wait(timeout=120)
    if p.returncode == 0:
        fail("the killed sweep exited 0")
    kept = read(csv)
    if not kept.endswith(b"\n"):
        fail("a torn line was left")
    kept_rows = kept.count(b"\n") - 1
    if kept_rows >= 8:
        fail("every row was already written: the kill came too late to test anything")
    run(args + ["--resume"], True, killed)
    if read(csv) != read(os.path.join(whole, "whatif.csv")):
        fail("resumed rows differ:\n%s\n---\n%s" % (read(csv).decode(),
                                                  read(os.path.join(whole, "whatif.csv")).decode()))
    print("killed (%s) with %d of 8 rows durable; --resume under MPI: the rows of --jobs 1"
          % (victim, kept_rows))


def main():
    if shutil.which("mpirun") is None:
        print("mpirun not installed: skipped")
        sys.exit(77)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    hairpin = os.path.join(SOURCE, "scenarios", "hairpin.yaml")
    if CASE == "whatif":
        same_rows("whatif", ["whatif", scenario(300), "--vary", "migration.max_threads=1,2,3,4",
                             "--vary", "seed=1,2"], "whatif.csv")
    elif CASE == "failed":
        # Every child fails (SimGrid refuses the setting): `failed` rows with the child's
        # stderr tail, the same under MPI.
        os.environ["COEXLAB_SIMGRID_CFG"] = "no/such-setting:1"
        rows = same_rows("whatif", ["whatif", scenario(30), "--vary", "migration.max_threads=1,2,3"],
                         "whatif.csv")
        if rows.count(b",failed,exit ") != 3:
            fail("expected 3 failed rows:\n" + rows.decode())
    elif CASE == "size":
        same_rows("size", ["size", hairpin, "--target", "migration.duration <= 30 d", "--vary",
                           "migration.max_threads=1,2,4,8"], "size.csv")
    elif CASE == "size_seeds":
        # Rounds of whole variants (all their seeds) over the ranks: the runs and the spread.
        same_rows("size", ["size", hairpin, "--target",
                           "migration.duration <= 30 d in 50 % of seeds", "--vary",
                           "migration.max_threads=1,2,4,8", "--seeds", "3"], "size.csv")
        here, there = os.path.join(WORK, "here"), os.path.join(WORK, "mpi")
        if read(os.path.join(here, "size-seeds.csv")) != read(os.path.join(there, "size-seeds.csv")):
            fail("size --seeds: size-seeds.csv differs under MPI")
    elif CASE == "bottlenecks":
        same_rows("bottlenecks", ["bottlenecks", scenario(300)], "bottlenecks.csv")
    elif CASE == "bench":
        same_rows("bench", ["bench", os.path.join(SOURCE, "tests", "bench-suite")], "bench.csv",
                  measured="scheduler_cpu_s")
    elif CASE == "test":
        files = [scenario(200), scenario(400), scenario(20000), os.path.join(SOURCE, "scenarios")]
        same_rows("test", ["test"] + files, "test.csv", check_exit=(1,))
    elif CASE == "calibrate":
        # calibrate's candidates over the ranks: its fit and calibration.yaml byte for byte (the
        # candidates' moves.csv come back from the worker ranks with their rows).
        args = ["calibrate", os.path.join(SOURCE, "scenarios", "rpc-table.yaml"), "--pilot",
                os.path.join(SOURCE, "scenarios", "rpc-table-pilot.csv"), "--fit",
                "rpc_round_trips_per_item"]
        here, there = os.path.join(WORK, "here"), os.path.join(WORK, "mpi")
        local, remote = run(args, False, here), run(args, True, there)
        if local.replace(here.encode(), b"DIR") != remote.replace(there.encode(), b"DIR"):
            fail("calibrate: the printed fit differs under MPI:\n%s\n---\n%s" % (local, remote))
        for name in ("fit.json", "calibration.yaml"):
            if read(os.path.join(here, name)) != read(os.path.join(there, name)):
                fail("calibrate: %s differs under MPI" % name)
        print("calibrate: fit.json and calibration.yaml byte-identical to --jobs 1")
    elif CASE == "kill_worker":
        kill_midway("worker")
    elif CASE == "kill_mpirun":
        kill_midway("mpirun")
    else:
        fail("unknown case " + CASE)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
