#!/usr/bin/env python3
"""Can another libtorch load our TorchScript archives? What can be checked without running it.

    /usr/bin/python3 models/tools/archive_compat.py --include DIR [--library SO] models/arch/*.pt

DIR is the other libtorch's include folder (the one holding caffe2/ and ATen/), SO its
libtorch_cpu shared library. Loading an archive recompiles its TorchScript code against that
libtorch's operator registry, so what decides whether it loads is: the archive's file-format
version must be one that libtorch reads (caffe2/serialize/versions.h), and every operator the
code calls must still exist there with a schema the call still matches. This script loads each
archive with the torch installed here, inlines every method of every submodule and collects the
aten operators the graphs call. Native operators (those in --reference-include's ATen/ops, the
headers of the libtorch that exported the archives) are compared with DIR's ATen/ops/*_ops.h
schemas; the JIT's own aten built-ins (list, int and string operators: no header) are looked up
as schema text in SO. prim:: operators are not checked. Exit status 1 when a version is out of
range or an operator is missing or changed incompatibly.
"""
import argparse
import functools
import glob
import os
import re
import sys
import zipfile

import torch

# The archives call kokoro::adain_snake(_), which the addon registers in C++; register the
# Python definition so that the archives load here.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import kokoro_ts.fused  # noqa: E402,F401


def read_supported_versions(include_dir):
    text = open(os.path.join(include_dir, "caffe2", "serialize", "versions.h")).read()

    def constant(name):
        return int(re.search(r"%s\s*=\s*(0x[0-9A-Fa-f]+|\d+)L?;" % name, text).group(1), 0)

    return constant("kMinSupportedFileFormatVersion"), constant("kMaxSupportedFileFormatVersion")


@functools.lru_cache(maxsize=None)
def read_aten_schemas(include_dir):
    """'name.overload' -> schema text (with the aten:: namespace) for every operator in DIR."""
    schemas = {}
    pattern = re.compile(r'schema_str(?:\s*=\s*|,\s*)"((?:[^"\\]|\\.)*)"')
    for header in glob.glob(os.path.join(include_dir, "ATen", "ops", "*_ops.h")):
        for literal in pattern.findall(open(header).read()):
            schema = literal.replace('\\"', '"')
            schemas[schema.split("(", 1)[0]] = "aten::" + schema
    return schemas


def archive_version(path):
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/version"))
        return int(archive.read(name).decode().strip())


def used_aten_schemas(path):
    """'name.overload' -> schema text of every aten operator the archive's graphs call."""
    module = torch.jit.load(path, map_location="cpu")
    used = {}
    for _, submodule in module.named_modules():
        for method_name in submodule._c._method_names():
            graph = submodule._c._get_method(method_name).graph.copy()
            torch._C._jit_pass_inline(graph)
            collect(graph.block(), used)
    return used


def collect(block, used):
    for node in block.nodes():
        for inner in node.blocks():
            collect(inner, used)
        if node.kind().startswith("aten::"):
            schema = node.schema()
            if schema != "(no schema)":
                used[schema.split("(", 1)[0][len("aten::"):]] = schema


def compatible(old_text, new_text):
    # TorchScript treats SymInt as int; 2.x spells many int arguments SymInt.
    normalise = lambda text: torch._C.parse_schema(text.replace("SymInt", "int"))
    old, new = normalise(old_text), normalise(new_text)
    return str(old) == str(new) or new.is_backward_compatible_with(old)


class Target:
    """What another libtorch offers: readable format versions, native schemas, its library."""

    def __init__(self, include_dir, reference_include_dir, library_path=None):
        self.low, self.high = read_supported_versions(include_dir)
        self.available = read_aten_schemas(include_dir)
        self.native = read_aten_schemas(reference_include_dir)
        self.library_path = library_path
        self.library = open(library_path, "rb").read() if library_path else None


def check_archive(path, target):
    """Report on one archive: {version, in_range, native, builtins, missing, changed}."""
    version = archive_version(path)
    used = used_aten_schemas(path)
    builtins = sorted(name for name in used if name not in target.native)
    missing = sorted(name for name in used
                     if name in target.native and name not in target.available)
    if target.library is not None:
        missing += [name for name in builtins
                    if b"aten::" + name.encode() + b"(" not in target.library]
    changed = [(used[name], target.available[name]) for name in sorted(used)
               if name in target.native and name in target.available
               and not compatible(used[name], target.available[name])]
    return {"version": version, "in_range": target.low <= version <= target.high,
            "native": len(used) - len(builtins), "builtins": len(builtins),
            "missing": [used[name] for name in missing], "changed": changed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--include", required=True, help="the other libtorch's include folder")
    parser.add_argument("--reference-include", default="/usr/include",
                        help="include folder of the libtorch that exported the archives")
    parser.add_argument("--library", help="the other libtorch's libtorch_cpu shared library")
    parser.add_argument("archives", nargs="+")
    args = parser.parse_args()
    target = Target(args.include, args.reference_include, args.library)
    failures = 0
    for path in args.archives:
        report = check_archive(path, target)
        print("%s: file format version %d (readable: %d..%d) %s; aten operators: %d native, "
              "%d JIT built-ins (%s); %d missing, %d changed incompatibly"
              % (os.path.basename(path), report["version"], target.low, target.high,
                 "ok" if report["in_range"] else "OUT OF RANGE", report["native"],
                 report["builtins"],
                 "looked up in " + os.path.basename(args.library) if args.library else "not checked",
                 len(report["missing"]), len(report["changed"])))
        for schema in report["missing"]:
            print("  missing: " + schema)
        for old, new in report["changed"]:
            print("  changed: %s\n      now: %s" % (old, new))
        failures += (not report["in_range"]) + len(report["missing"]) + len(report["changed"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
