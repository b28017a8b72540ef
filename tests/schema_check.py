#!/usr/bin/python3
"""Validates scenario files against the scenario JSON Schema (`coexlab schema`).

usage: schema_check.py SCHEMA SCENARIO_OR_DIR...

SCHEMA is a JSON file, or a program that prints the schema (tests/dump_schema, or the CLI
as "coexlab schema" when given as one argument with a space). Directories are searched for
*.yaml files. YAML is read as an editor's YAML 1.2 plug-in reads it (core schema: `4` is an
integer, `02:00` and `2007-06-01T20:00` are strings), which is also how the schema is meant.

Besides the given files, the script checks that the schema rejects deliberately broken
copies of the first scenario (a non-numeric core count, an unknown key, a bare number for a
size, a wrong unit), so that a schema that accepts everything fails the test, and that it
accepts copies that `validate` accepts in another spelling (`version: "2003"`).

Exit 0 when every file is valid and every broken copy is rejected; 1 otherwise (each
violation printed as FILE:LINE:COLUMN: error: MESSAGE at PATH); 2 on bad usage.
"""

import copy
import json
import os
import re
import shlex
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover - environment problem, not a test failure
    sys.stderr.write(f"schema_check: {e}; install python3-jsonschema and python3-yaml\n")
    sys.exit(2)


class CoreLoader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (20:00 is a sexagesimal integer, 2007-06-01T20:00:00 a
    datetime); editors and yaml-cpp read YAML 1.2. Resolve plain scalars by the 1.2 core
    schema only."""


CoreLoader.yaml_implicit_resolvers = {}
_CORE = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
     "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]
for _tag, _regex, _first in _CORE:
    CoreLoader.add_implicit_resolver(_tag, re.compile(_regex), list(_first))


def _core_int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


def _core_float(loader, node):
    v = loader.construct_scalar(node).lower()
    if v.endswith(".inf"):
        return float("-inf") if v.startswith("-") else float("inf")
    if v == ".nan":
        return float("nan")
    return float(v)


def _core_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


CoreLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _core_float)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", _core_bool)


def load_schema(arg):
    if os.path.isfile(arg) and arg.endswith(".json"):
        with open(arg, encoding="utf-8") as f:
            return json.load(f)
    cmd = shlex.split(arg)
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        sys.stderr.write(f"schema_check: cannot get the schema from {arg!r}: {e}\n")
        sys.exit(2)
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        sys.stderr.write(f"schema_check: {arg!r} printed no JSON: {e}\n")
        sys.exit(2)


def scenario_files(args):
    files = []
    for a in args:
        if os.path.isdir(a):
            files += sorted(os.path.join(a, f) for f in os.listdir(a)
                            if f.endswith((".yaml", ".yml")))
        else:
            files.append(a)
    return files


def path_text(path):
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(the document)"


def position(node, path):
    """Line and column (1-based) of the YAML node at `path` in a composed tree, or of the
    deepest node found on the way."""
    mark = node.start_mark
    for p in path:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == p:
                    nxt = k if v is None else v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(p, int) and p < len(node.value):
            nxt = node.value[p]
        if nxt is None:
            break
        node = nxt
        mark = node.start_mark
    return mark.line + 1, mark.column + 1


def describe(error):
    """The error's message; for oneOf/anyOf, the most relevant alternative's too."""
    msg = error.message
    if len(msg) > 200:
        msg = msg[:200] + "..."
    if error.context:
        best = jsonschema.exceptions.best_match(error.context)
        if best is not None:
            msg += f" ({best.message})"
    return msg


def check_file(validator, path):
    """Prints the violations of one file; returns their number (a YAML error counts 1)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = yaml.load(text, Loader=CoreLoader)
        tree = yaml.compose(text, Loader=CoreLoader)
    except (OSError, yaml.YAMLError) as e:
        print(f"{path}:1:1: error: cannot read the scenario: {e}")
        return 1
    found = []
    for e in validator.iter_errors(doc):
        line, col = position(tree, list(e.absolute_path))
        found.append((line, col, f"{describe(e)} at {path_text(e.absolute_path)}"))
    for line, col, msg in sorted(found):
        print(f"{path}:{line}:{col}: error: {msg}")
    return len(found)


def broken_copies(doc):
    """(what, document) pairs that the schema must reject."""
    out = []

    def with_hardware(key, value):
        d = copy.deepcopy(doc)
        for s in d.get("servers", []):
            if isinstance(s, dict) and isinstance(s.get("hardware"), dict):
                s["hardware"][key] = value
                return d
        return None

    for what, d in [
        ('cores: "x"', with_hardware("cores", "x")),
        ("memory: 4 (no unit)", with_hardware("memory", 4)),
        ("nic: 1 GB (a size for a rate)", with_hardware("nic", "1 GB")),
        ("clock: 3 Ghz (a unit of the wrong case)", with_hardware("clock", "3 Ghz")),
    ]:
        if d is not None:
            out.append((what, d))
    d = copy.deepcopy(doc)
    d["colour"] = "blue"
    out.append(("an unknown top-level key", d))
    d = copy.deepcopy(doc)
    d.pop("start", None)
    out.append(("no 'start'", d))
    return out


def accepted_copies(doc):
    """(what, document) pairs that the schema must accept, because `validate` accepts them."""
    out = []
    d = copy.deepcopy(doc)
    servers = [s for s in d.get("servers", []) if isinstance(s, dict) and "version" in s]
    if servers:
        for s in servers:
            s["version"] = str(s["version"])
        out.append(('every version quoted (version: "2003")', d))
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    schema = load_schema(argv[1])
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"schema_check: the schema itself is invalid: {e.message} at "
              f"{path_text(e.absolute_path)}")
        return 1
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        print("schema_check: the schema does not declare draft 2020-12 in $schema")
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    files = scenario_files(argv[2:])
    if not files:
        print("schema_check: no scenario files given")
        return 1

    failed = 0
    for path in files:
        n = check_file(validator, path)
        print(f"{path}: {'valid' if n == 0 else f'{n} violation(s)'}")
        failed += n > 0

    # The schema must be able to fail: broken copies of the first scenario are rejected.
    with open(files[0], encoding="utf-8") as f:
        first = yaml.load(f.read(), Loader=CoreLoader)
    for what, doc in broken_copies(first):
        if not list(validator.iter_errors(doc)):
            print(f"{files[0]}: error: a copy with {what} passes the schema; it must not")
            failed += 1
        else:
            print(f"{files[0]}: a copy with {what} is rejected, as it should be")
    # ... and must agree with the loader where `validate` is lenient on purpose.
    for what, doc in accepted_copies(first):
        errors = list(validator.iter_errors(doc))
        if errors:
            print(f"{files[0]}: error: a copy with {what} fails the schema, which validate "
                  f"accepts: {describe(errors[0])} at {path_text(errors[0].absolute_path)}")
            failed += 1
        else:
            print(f"{files[0]}: a copy with {what} passes the schema, as validate accepts it")
    if failed:
        print(f"schema_check: {failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
