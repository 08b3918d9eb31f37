#!/usr/bin/env python3
"""record.py - record the Linux kernel's verdict on each bpf_conformance vector in xdp.json.

bpf_conformance's Linux plugin (libbpf_plugin) loads every vector's program with
bpf_prog_load(BPF_PROG_TYPE_XDP, ...) and runs it with BPF_PROG_TEST_RUN, the vector's memory as
the packet. So the kernel's verifier sees r1 = struct xdp_md and r2 uninitialised, not ubpf's
r1 = memory, r2 = length: a vector that reads its memory through r1 is an xdp_md access. This
script asks the running kernel (kernel_oracle.py verify --raw --type xdp, as root) for the
verdict on each vector and writes

  {"add.data": {"type": "xdp", "accepted": true, "error": null}, ...}

(error = the oracle's first error line of the verifier log, null when accepted).
ConformanceSuiteTests compares skbpf's verifier with it.

Each vector's `-- asm` section is assembled with `skbpf asm --dialect conformance` (a `-- raw`
section is used as is). Build products go to a temporary directory.

Needs root. Usage: record.py [--skbpf PATH] [--oracle PATH] [--vectors DIR] [-j N]
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
PROGRAM_TYPE = "xdp"


def option(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        value = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return value
    return default


def find_skbpf():
    for path in (os.environ.get("SKBPF"), os.path.join(REPO, ".build", "debug", "skbpf")):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("record.py: skbpf not found (build it or pass --skbpf PATH)")


def sections(path):
    """The `-- name` sections of a vector file, as text."""
    parts, current = {}, None
    for line in open(path):
        m = re.match(r"^-- (\w+)", line)
        if m:
            current = m.group(1)
            parts.setdefault(current, "")
        elif current:
            parts[current] += line
    return parts


def verdict(name, path, tmp, skbpf, oracle):
    parts = sections(path)
    out = os.path.join(tmp, name + ".bin")
    if "asm" in parts:
        source = os.path.join(tmp, name + ".s")
        with open(source, "w") as f:
            f.write(parts["asm"])
        proc = subprocess.run([skbpf, "asm", "--dialect", "conformance", source, "-o", out],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("%s: skbpf asm failed: %s" % (name, proc.stderr.strip()))
    elif "raw" in parts:
        with open(out, "wb") as f:
            f.write(bytes.fromhex(parts["raw"].replace("\n", " ")))
    else:
        return name, None
    proc = subprocess.run([sys.executable, oracle, "verify", "--raw", out, "--type", PROGRAM_TYPE],
                          capture_output=True, text=True)
    d = json.loads(proc.stdout)
    if "accepted" not in d:
        raise RuntimeError("oracle failed for %s: %s" % (name, d.get("error")))
    error = None
    if not d["accepted"]:
        # Some kernel messages lack a trailing newline, so the statistics line gets glued on.
        error = re.sub(r"\s*verification time \d+ usec.*$", "", d.get("error") or "")
    return name, {"type": PROGRAM_TYPE, "accepted": d["accepted"], "error": error}


def main():
    skbpf = option("--skbpf", None) or find_skbpf()
    oracle = option("--oracle", os.environ.get("KERNEL_ORACLE",
                                               os.path.join(REPO, "..", "shared", "tools", "kernel_oracle.py")))
    folder = option("--vectors", os.path.join(REPO, "..", "shared", "conformance", "bpf_conformance", "tests"))
    jobs = int(option("-j", "4"))
    names = sorted(f for f in os.listdir(folder) if f.endswith(".data"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="skbpf-conformance-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            work = [(n, os.path.join(folder, n), tmp, skbpf, oracle) for n in names]
            for name, entry in pool.map(lambda a: verdict(*a), work):
                if entry is not None:
                    results[name] = entry
    with open(os.path.join(HERE, PROGRAM_TYPE + ".json"), "w") as f:
        lines = ["%s: %s" % (json.dumps(n), json.dumps(results[n], sort_keys=True)) for n in sorted(results)]
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    rejected = sum(1 for e in results.values() if not e["accepted"])
    print("%d vectors, %d accepted, %d rejected" % (len(results), len(results) - rejected, rejected))


if __name__ == "__main__":
    main()
