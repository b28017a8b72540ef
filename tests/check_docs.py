#!/usr/bin/python3
"""The documentation of the contract against what the code does (docs/format.md, docs/outputs.md).

usage: check_docs.py COEXLAB SOURCE_DIR WORK_DIR

docs/format.md: every key path that `coexlab schema` knows (`servers[].hardware.cores`) has
a row in a table whose first column is "key", and every row there names a key the schema
knows. docs/outputs.md: `coexlab run` on the shipped scenarios (but the slow field case),
then `whatif`, `size`, `bottlenecks`, `bench`, `test --junit`, `plan --margin`,
`validate --json` and `calibrate` (on the RPC-table pilot); every file they write has a section `## FILE` (the JUnit file: `## junit`),
and in it a row for every key path of summary.json (below `resolved`, which is the scenario
itself) and of trace.json, every column of a CSV, every element of the JUnit XML, every
Move-Mailbox parameter of plan.ps1 and every field of validate's JSON. A column named
by a `--vary` path matches the row `<PATH>`. Rows of a CSV's section that are not marked
"(v2; coming)" must be columns of the file (no stale rows). Exit 1 with every problem
listed.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

problems = []


def problem(text):
    problems.append(text)


ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def tables(path):
    """[(header_first_cell, [(first_cell_name, row_text), ...])] of the Markdown tables,
    with the `## ` section each is in: {section: [(header, rows)]}."""
    sections = {}
    section = ""
    header = None
    rows = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            section = line[3:].strip()
            header = None
            continue
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = line.strip("|").split("|")[0].strip()
            rows = []
            sections.setdefault(section, []).append((header, rows))
            continue
        m = ROW.match(line)
        if m:
            rows.append((m.group(1), line))
    return sections


def documented(sections, section, header="field"):
    out = {}
    for h, rows in sections.get(section, []):
        if h == header:
            out.update(dict(rows))
    return out


def run(args, ok=(0,), **kw):
    r = subprocess.run(args, capture_output=True, text=True, **kw)
    if r.returncode not in ok:
        problem(f"{' '.join(args)} exited {r.returncode}: {r.stderr[-800:]}")
    return r


# ---- docs/format.md against the schema ----------------------------------------------------

def schema_keys(schema):
    defs = schema.get("$defs", {})
    keys = set()

    def walk(node, path):
        if "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        for alt in ("oneOf", "anyOf"):
            for sub in node.get(alt, []):
                walk(sub, path)
        for key, sub in node.get("properties", {}).items():
            p = f"{path}.{key}" if path else key
            keys.add(p)
            walk(sub, p)
        if "items" in node:
            walk(node["items"], path + "[]")

    walk(schema, "")
    return keys


def check_format(binary, format_md):
    r = run([binary, "schema"])
    if r.returncode != 0:
        return
    keys = schema_keys(json.loads(r.stdout))
    rows = {}
    for section in tables(format_md).values():
        for header, entries in section:
            if header == "key":
                rows.update(dict(entries))
    for k in sorted(keys - set(rows)):
        problem(f"docs/format.md: scenario key `{k}` (coexlab schema) has no row")
    # Rows for list entries (`sites[]`) describe the entry itself; every other row is a key.
    for k in sorted(set(rows) - keys):
        if not (k.endswith("[]") and (k[:-2] in keys)):
            problem(f"docs/format.md: row `{k}` names no key of coexlab schema")
    print(f"docs/format.md: {len(keys)} schema keys checked")


# ---- docs/outputs.md against the files written ----------------------------------------------

def json_paths(value, path, out, skip=("resolved",)):
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{path}.{k}" if path else k
            out.add(p)
            if p not in skip:
                json_paths(v, p, out, skip)
    elif isinstance(value, list):
        for v in value:
            json_paths(v, path + "[]", out, skip)


def csv_header(path):
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f, strict=True), [])


def check_csv(sections, name, path, varied=()):
    rows = documented(sections, name)
    if not rows:
        problem(f"docs/outputs.md: no section '## {name}' with a field table for {path}")
        return
    header = csv_header(path)
    for c in header:
        if c not in rows and not (c in varied and "<PATH>" in rows):
            problem(f"docs/outputs.md: column `{c}` of {name} ({path}) has no row")
    for c, line in rows.items():
        if c != "<PATH>" and c not in header and "(v2; coming)" not in line:
            problem(f"docs/outputs.md: {name} documents `{c}`, which {path} does not have "
                    f"(mark it '(v2; coming)' or remove it)")


def check_run_outputs(binary, sections, scenario, out):
    shutil.rmtree(out, ignore_errors=True)
    r = run([binary, "run", scenario, "--out", out, "--quiet"], ok=(0, 1))
    if not os.path.isdir(out):
        return set()
    written = set()
    for name in sorted(os.listdir(out)):
        written.add(name)
        path = os.path.join(out, name)
        if name not in sections:
            problem(f"docs/outputs.md: `run` writes {name}, which has no section '## {name}'")
        elif name.endswith(".csv"):
            check_csv(sections, name, path)
        elif name == "trace.json":
            with open(path, encoding="utf-8") as f:
                trace = json.load(f)
            paths = set()
            json_paths(trace, "", paths, skip=())
            rows = documented(sections, name)
            for p in sorted(paths - set(rows)):
                problem(f"docs/outputs.md: trace.json key `{p}` ({scenario}) has no row")
        elif name == "summary.json":
            with open(path, encoding="utf-8") as f:
                summary = json.load(f)
            paths = set()
            json_paths(summary, "", paths)
            rows = documented(sections, name)
            for p in sorted(paths - set(rows)):
                problem(f"docs/outputs.md: summary.json key `{p}` ({scenario}) has no row")
    del r
    return written


def check_sweeps(binary, source, sections, work):
    hairpin = os.path.join(source, "scenarios", "hairpin.yaml")
    out = os.path.join(work, "sweeps")
    shutil.rmtree(out, ignore_errors=True)
    vary = "migration.max_threads=4,8"
    run([binary, "whatif", hairpin, "--vary", vary, "--jobs", "2", "--out", out])
    run([binary, "size", hairpin, "--target", "migration.duration <= 30 d", "--vary", vary,
         "--jobs", "2", "--out", out])
    seeded = os.path.join(work, "sweeps-seeds")
    shutil.rmtree(seeded, ignore_errors=True)
    run([binary, "size", hairpin, "--target", "migration.duration <= 30 d in 50 % of seeds",
         "--vary", vary, "--seeds", "2", "--jobs", "2", "--out", seeded])
    for name in ("size.csv", "size-seeds.csv"):
        path = os.path.join(seeded, name)
        if os.path.exists(path):
            check_csv(sections, name, path, varied=("migration.max_threads", "seed"))
        else:
            problem(f"{path} was not written")
    run([binary, "bottlenecks", hairpin, "--jobs", "2", "--out", out])
    run([binary, "bench", os.path.join(source, "tests", "bench-suite"), "--schedulers",
         "fifo,largest_first", "--jobs", "2", "--out", out])
    junit = os.path.join(out, "junit.xml")
    run([binary, "test", os.path.join(source, "scenarios", "hq-branch-edge.yaml"),
         "--junit", junit, "--out", out], ok=(0, 1))
    for name in ("whatif.csv", "size.csv", "bottlenecks.csv", "bench.csv", "test.csv"):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            problem(f"{path} was not written")
            continue
        check_csv(sections, name, path, varied=("migration.max_threads",))
    if os.path.exists(junit):
        rows = documented(sections, "junit")
        tags = {e.tag for e in ET.parse(junit).iter()}
        # A passing run has no <failure> or <error>: those rows stay, documented in advance.
        for t in sorted(tags - set(rows)):
            problem(f"docs/outputs.md: JUnit element `{t}` has no row in '## junit'")
    else:
        problem(f"{junit} was not written")


def check_plan(binary, source, sections, work):
    """`plan` with a margin on contoso: plan.csv and waves.csv column by column, and every
    Move-Mailbox parameter of plan.ps1 against the rows of its section (both ways)."""
    out = os.path.join(work, "plan")
    shutil.rmtree(out, ignore_errors=True)
    run([binary, "plan", os.path.join(source, "scenarios", "contoso-weekend.yaml"), "--out", out,
         "--margin", "20 %", "--quiet"])
    for name in ("plan.csv", "waves.csv"):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            problem(f"{path} was not written")
            continue
        check_csv(sections, name, path)
    path = os.path.join(out, "plan.ps1")
    if not os.path.exists(path):
        problem(f"{path} was not written")
        return
    rows = documented(sections, "plan.ps1")
    if not rows:
        problem("docs/outputs.md: no section '## plan.ps1' with a field table")
        return
    used = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "Move-Mailbox" in line and not line.startswith("#"):
                used.update(re.findall(r"\s(-[A-Za-z]+)", line.split("Move-Mailbox", 1)[1]))
    if not used:
        problem(f"{path} has no Move-Mailbox line")
    for p in sorted(used - set(rows)):
        problem(f"docs/outputs.md: plan.ps1 uses Move-Mailbox {p}, which has no row")
    for p in sorted(set(rows) - used):
        if "(v2; coming)" not in rows[p]:
            problem(f"docs/outputs.md: plan.ps1 documents {p}, which the script does not use")


def check_validate_json(binary, source, sections):
    rows = documented(sections, "validate --json")
    if not rows:
        problem("docs/outputs.md: no section '## validate --json'")
        return
    files = [os.path.join(source, "scenarios", "contoso-weekend.yaml"),
             os.path.join(source, "tests", "corpus", "40-l1-edge-with-other-role.yaml")]
    r = run([binary, "validate", "--json"] + files, ok=(1,))
    try:
        diagnostics = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        problem(f"validate --json printed no JSON: {e}: {r.stdout[:200]!r}")
        return
    if not diagnostics:
        problem("validate --json printed no diagnostic for a file with errors")
    fields = set()
    for d in diagnostics:
        fields.update(d.keys())
    for f in sorted(fields - set(rows)):
        problem(f"docs/outputs.md: validate --json field `{f}` has no row")
    for f in sorted(set(rows) - fields):
        problem(f"docs/outputs.md: validate --json documents `{f}`, which it does not print")


def check_calibrate(binary, source, sections, work):
    """fit.json of `coexlab calibrate` on the RPC-table pilot: every key path has a row."""
    out = os.path.join(work, "calibrate")
    shutil.rmtree(out, ignore_errors=True)
    run([binary, "calibrate", os.path.join(source, "scenarios", "rpc-table.yaml"), "--pilot",
         os.path.join(source, "scenarios", "rpc-table-pilot.csv"), "--out", out, "--jobs", "2"])
    with open(os.path.join(out, "fit.json"), encoding="utf-8") as f:
        fit = json.load(f)
    paths = set()
    json_paths(fit, "", paths)
    rows = documented(sections, "fit.json")
    for p in sorted(paths - set(rows)):
        problem(f"docs/outputs.md: fit.json key `{p}` has no row")


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    binary, source, work = argv[1:]
    os.makedirs(work, exist_ok=True)
    check_format(binary, os.path.join(source, "docs", "format.md"))
    sections = tables(os.path.join(source, "docs", "outputs.md"))
    written = set()
    for name in ("contoso-weekend", "hq-branch-edge", "hairpin"):
        written |= check_run_outputs(binary, sections, os.path.join(source, "scenarios",
                                                                    name + ".yaml"),
                                     os.path.join(work, "run-" + name))
    for expected in ("summary.json", "moves.csv", "utilisation.csv", "report.html", "trace.json"):
        if expected not in written:
            problem(f"run did not write {expected}")
    check_sweeps(binary, source, sections, work)
    check_plan(binary, source, sections, work)
    check_validate_json(binary, source, sections)
    check_calibrate(binary, source, sections, work)
    for p in problems:
        print(f"check_docs: {p}")
    if problems:
        print(f"check_docs: {len(problems)} problem(s)")
        return 1
    print(f"check_docs: docs/format.md and docs/outputs.md document everything written "
          f"({', '.join(sorted(written))} and the sweep tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
