#!/usr/bin/env python3
"""record.py - record the Linux kernel's verdicts on the verifier vectors in expected.json.

Vectors:
  asm/NAME.s  LLVM-dialect BPF assembly, assembled with `skbpf asm` and loaded raw (no maps).
  c/NAME.c    C, compiled with clang -target bpf -O2 -g (-I Programs/c/include), loaded as an
              ELF object (maps, global data, license and bpf-to-bpf calls as libbpf would).
Each file starts with comment lines (`#` for .s, `//` for .c):
  what: ...            one sentence on what the program does right or wrong
  type: tc             program type (tc, socket_filter, xdp, ...); default tc
  section: NAME        (C only, optional) the ELF section holding the program

Every vector is verified by kernel_oracle.py twice: as root (default) and with --strict
(CAP_SYS_ADMIN and CAP_PERFMON dropped), and expected.json gets

  {"NAME.s": {"type": "tc", "accepted": bool, "error": str|null,
              "strict_accepted": bool, "strict_error": str|null}, ...}

(error = the oracle's first error line of the verifier log, null when accepted).
Build products go to a temporary directory, never into the repository.

Needs root. Usage: record.py [--skbpf PATH] [--oracle PATH] [--clang PATH] [-j N] [NAME ...]
With NAMEs (e.g. foo.s bar.c) only those vectors are verified and printed; expected.json is
then left alone unless --update is given (which merges them into it).
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


def option(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        value = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return value
    return default


def find_skbpf():
    for path in (os.environ.get("SKBPF"), os.path.join(REPO, ".build", "debug", "skbpf"),
                 "/tmp/vec-build/debug/skbpf"):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("record.py: skbpf not found (build it or pass --skbpf PATH)")


def header(path, marker):
    """The `what`, `type` and `section` fields of the leading comment block."""
    fields = {}
    for line in open(path):
        s = line.strip()
        if not s:
            continue
        if not s.startswith(marker):
            break
        body = s[len(marker):].strip()
        if ":" in body:
            key, value = body.split(":", 1)
            key = key.strip().lower()
            if key in ("what", "type", "section"):
                fields[key] = value.strip()
    return fields


def verify(oracle, args):
    proc = subprocess.run([sys.executable, oracle, "verify"] + args, capture_output=True, text=True)
    try:
        d = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError("oracle gave no JSON for %s: %s" % (args, proc.stderr.strip()))
    if "accepted" not in d:
        raise RuntimeError("oracle failed for %s: %s" % (args, d.get("error")))
    if d["accepted"]:
        return True, None
    # Some kernel messages lack a trailing newline, so the log's statistics line gets glued on.
    error = re.sub(r"\s*verification time \d+ usec.*$", "", d.get("error") or "")
    return False, error


def build_and_verify(vector, tmp, tools):
    name, path = vector
    skbpf, clang, oracle = tools
    base = os.path.join(tmp, name.replace(".", "_"))
    if name.endswith(".s"):
        fields = header(path, "#")
        kind = fields.get("type", "tc")
        out = base + ".bin"
        proc = subprocess.run([skbpf, "asm", path, "-o", out], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("%s: skbpf asm failed: %s" % (name, proc.stderr.strip() or proc.stdout.strip()))
        args = ["--raw", out, "--type", kind]
    else:
        fields = header(path, "//")
        kind = fields.get("type", "tc")
        out = base + ".o"
        proc = subprocess.run([clang, "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                               "-I" + os.path.join(REPO, "Programs", "c", "include"),
                               "-c", path, "-o", out], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("%s: clang failed:\n%s" % (name, proc.stderr.strip()))
        args = [out, "--type", kind]
        if fields.get("section"):
            args += ["--section", fields["section"]]
    entry = {"type": kind}
    entry["accepted"], entry["error"] = verify(oracle, args)
    entry["strict_accepted"], entry["strict_error"] = verify(oracle, args + ["--strict"])
    return name, entry


def main():
    skbpf = option("--skbpf", None) or find_skbpf()
    oracle = option("--oracle", os.environ.get("KERNEL_ORACLE",
                                               os.path.join(REPO, "..", "shared", "tools", "kernel_oracle.py")))
    clang = option("--clang", os.environ.get("CLANG", "/opt/swift/usr/bin/clang"))
    jobs = int(option("-j", "8"))
    update = "--update" in sys.argv
    only = [a for a in sys.argv[1:] if a != "--update"]

    vectors = []
    for sub, ext in (("asm", ".s"), ("c", ".c")):
        folder = os.path.join(HERE, sub)
        if os.path.isdir(folder):
            for file in sorted(os.listdir(folder)):
                if file.endswith(ext):
                    vectors.append((file, os.path.join(folder, file)))
    names = [n for n, _ in vectors]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        sys.exit("record.py: duplicate vector names: %s" % ", ".join(dupes))
    if only:
        missing = [n for n in only if n not in names]
        if missing:
            sys.exit("record.py: no such vectors: %s" % ", ".join(missing))
        vectors = [v for v in vectors if v[0] in only]

    results = {}
    with tempfile.TemporaryDirectory(prefix="skbpf-vectors-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            for name, entry in pool.map(lambda v: build_and_verify(v, tmp, (skbpf, clang, oracle)), vectors):
                results[name] = entry

    if only:
        for name in sorted(results):
            e = results[name]
            print("%-45s %s %-8s %s | strict: %s %s" % (name, e["type"], "ACCEPT" if e["accepted"] else "reject",
                                                          e["error"] or "", "ACCEPT" if e["strict_accepted"] else "reject",
                                                          e["strict_error"] or ""))
        if not update:
            return
        path = os.path.join(HERE, "expected.json")
        merged = json.load(open(path)) if os.path.exists(path) else {}
        merged.update(results)
        results = merged

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    total = len(results)
    accepted = sum(1 for e in results.values() if e["accepted"])
    differ = sum(1 for e in results.values() if e["accepted"] != e["strict_accepted"])
    n_asm = sum(1 for n in results if n.endswith(".s"))
    print("%d vectors (%d asm, %d C): %d accepted, %d rejected (default); %d differ under --strict"
          % (total, n_asm, total - n_asm, accepted, total - accepted, differ))


if __name__ == "__main__":
    main()
