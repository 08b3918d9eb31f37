#!/usr/bin/env python3
"""kernel_table.py - run every program x packet case of Programs/cases.json in the Linux kernel.

Each case names an object (Programs/build/*.o), a section (and "prog", the function, when a
section holds several programs), a sample packet (samples/*.bin)
and optionally --map-set entries, --ctx-in fields and --repeat. The case runs through
kernel_oracle.py (or tools/oracle_plus.py when the program entry says "oracle": "oracle_plus":
prog arrays filled from their initialiser, ring-buffer records read back), and the kernel's
answer is reduced to what a differential test compares:

  retval; ctx_out fields that are non-zero (the kernel copies back mark, priority,
  ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size, hwtstamp);
  data_out ("same", or the bytes as hex); maps: hash and LRU maps as all their entries,
  arrays as their non-zero entries, prog arrays as the filled slots, ring buffers as their
  records; global-data maps (.rodata/.data/.bss) like arrays. A case's "mask" blanks value
  bytes the kernel fills from its clock.

  kernel_table.py              check: compare with each case's "expect", report differences
  kernel_table.py --record     write the kernel's answers into cases.json as "expect"
  kernel_table.py --markdown   print the README table (program, packet, retval, effects, meaning)
  kernel_table.py --json       print every case with the kernel's full oracle output
  kernel_table.py --verify     verify every program of every build/*.o, print a markdown table
  kernel_table.py --engine skbpf   run the cases through `skbpf test-run` instead of the kernel
                               and compare with "expect" (no root needed)
  kernel_table.py --compare    run every case through both the kernel and `skbpf test-run` and
                               compare them directly: retval, data_out, every ctx_out field, maps
  --skbpf PATH                 the skbpf binary (default: .build/debug/skbpf, or $SKBPF)
  --only NAME                  restrict to programs whose name starts with NAME

Needs root for the kernel (the oracle loads programs with bpf(2)); `make -C Programs` first.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.dirname(HERE)
CASES = os.path.join(PROGRAMS, "cases.json")
KERNEL_ORACLE = os.environ.get(
    "KERNEL_ORACLE", os.path.normpath(os.path.join(PROGRAMS, "..", "..", "shared", "tools", "kernel_oracle.py")))
ORACLE_PLUS = os.path.join(HERE, "oracle_plus.py")
DEFAULT_SKBPF = os.environ.get("SKBPF", os.path.join(PROGRAMS, "..", ".build", "debug", "skbpf"))

MAP_HASH, MAP_ARRAY, MAP_PROG_ARRAY, MAP_PERF, MAP_LRU_HASH, MAP_RINGBUF = 1, 2, 3, 4, 9, 27
TC_VERDICTS = {0xFFFFFFFF: "UNSPEC", 0: "OK", 1: "RECLASSIFY", 2: "SHOT", 3: "PIPE", 4: "STOLEN",
               5: "QUEUED", 6: "REPEAT", 7: "REDIRECT"}


def oracle_command(prog, case):
    oracle = ORACLE_PLUS if prog.get("oracle") == "oracle_plus" else KERNEL_ORACLE
    cmd = [sys.executable, oracle, "run", os.path.join(PROGRAMS, prog["object"])]
    if shutil.which("taskset"):
        # CPU 0, as skbpf's single worker: per-CPU map slots and LRU free lists then line up.
        cmd = ["taskset", "-c", "0"] + cmd
    if prog.get("section"):
        cmd += ["--section", prog["section"]]
    if prog.get("prog"):
        cmd += ["--prog", prog["prog"]]
    cmd += ["--packet", os.path.join(PROGRAMS, "samples", case["packet"] + ".bin"), "--dump-maps"]
    if case.get("repeat"):
        cmd += ["--repeat", str(case["repeat"])]
    if case.get("ctx_in"):
        cmd += ["--ctx-in", json.dumps(case["ctx_in"])]
    for spec in case.get("map_set", []):
        cmd += ["--map-set", spec]
    return cmd


def skbpf_command(prog, case, skbpf):
    """The same case as `skbpf test-run` arguments (the oracle's --prog is skbpf's --program)."""
    cmd = [skbpf, "test-run", os.path.join(PROGRAMS, prog["object"])]
    if prog.get("section"):
        cmd += ["--section", prog["section"]]
    if prog.get("prog"):
        cmd += ["--program", prog["prog"]]
    cmd += ["--packet", os.path.join(PROGRAMS, "samples", case["packet"] + ".bin"), "--dump-maps", "--json"]
    if case.get("repeat"):
        cmd += ["--repeat", str(case["repeat"])]
    if case.get("ctx_in"):
        cmd += ["--ctx-in", json.dumps(case["ctx_in"])]
    for spec in case.get("map_set", []):
        cmd += ["--map-set", spec]
    if prog.get("oracle") != "oracle_plus":
        cmd += ["--no-prog-array-init"]   # what the plain oracle does
    return cmd


def run_case(prog, case, skbpf=None):
    command = skbpf_command(prog, case, skbpf) if skbpf else oracle_command(prog, case)
    proc = subprocess.run(command, capture_output=True, text=True)
    try:
        result = json.loads(proc.stdout)
        if skbpf and prog.get("oracle") != "oracle_plus":
            # The plain oracle cannot read ring buffer records: compare like with like.
            for m in result.get("maps", {}).values():
                m.pop("records", None)
        return result
    except ValueError:
        return {"error": "%s output is not JSON: %s %s" % ("skbpf" if skbpf else "oracle", proc.stdout[-300:],
                                                          proc.stderr[-300:])}


def compare(kernel, skbpf, case, packet):
    """The differences between the kernel's and skbpf's answers to one case, as text lines."""
    diffs = []
    if kernel.get("loaded") != skbpf.get("loaded") or ("run_error" in kernel) != ("run_error" in skbpf):
        return ["loaded/run_error: kernel %s, skbpf %s" % (
            {k: kernel.get(k) for k in ("loaded", "error", "run_error")},
            {k: skbpf.get(k) for k in ("loaded", "error", "run_error")})]
    if not kernel.get("loaded") or "run_error" in kernel:
        return diffs
    for key in ("retval", "data_out"):
        if kernel.get(key) != skbpf.get(key):
            diffs.append("%s: kernel %s, skbpf %s" % (key, kernel.get(key), skbpf.get(key)))
    kctx, sctx = kernel.get("ctx_out") or {}, skbpf.get("ctx_out") or {}
    for field in kctx:
        if kctx[field] != sctx.get(field):
            diffs.append("ctx_out.%s: kernel %s, skbpf %s" % (field, kctx[field], sctx.get(field)))
    kmaps = reduce_maps(kernel.get("maps", {}), case)
    smaps = reduce_maps(skbpf.get("maps", {}), case)
    if kmaps != smaps:
        diffs.append("maps:\n    kernel %s\n    skbpf  %s" % (json.dumps(kmaps), json.dumps(smaps)))
    return diffs


def masked(value_hex, case, map_name):
    for m in case.get("mask", []):
        if m["map"] == map_name:
            a, b = m["value_bytes"]
            value_hex = value_hex[:2 * a] + "x" * (2 * (b - a)) + value_hex[2 * b:]
    return value_hex


def reduce_maps(maps, case):
    out = {}
    for name, m in sorted(maps.items()):
        t = m.get("type")
        if t == MAP_RINGBUF:
            out[name] = {"records": m.get("records")} if "records" in m else {"records": None}
            continue
        if t == MAP_PERF or m.get("entries") is None:
            continue
        entries = m["entries"]
        if t == MAP_PROG_ARRAY:
            # Values are program ids, different on every load: only which slots are filled.
            out[name] = {"filled_slots": [e["key"] for e in entries if e.get("value") is not None]}
            continue
        keep = []
        for e in entries:
            value = e.get("value")
            if value is None and e.get("per_cpu") is not None:
                value = "".join(e["per_cpu"])
            if t not in (MAP_HASH, MAP_LRU_HASH) and (value is None or set(value) <= {"0"}):
                continue
            keep.append([e["key"], masked(value, case, name)])
        out[name] = {"entries": sorted(keep)}
    return out


def reduce(result, case, packet):
    if "error" in result:
        return {"error": result["error"]}
    if not result.get("loaded"):
        return {"refused": result.get("error")}
    if "run_error" in result:
        return {"run_error": result["run_error"]}
    ctx = {k: v for k, v in (result.get("ctx_out") or {}).items() if v and (not isinstance(v, list) or any(v))}
    data = bytes.fromhex(result["data_out"])
    return {
        "retval": result["retval"],
        "ctx_out": ctx,
        "data_out": "same" if data == packet else data.hex(),
        "maps": reduce_maps(result.get("maps", {}), case),
    }


def packet_bytes(case):
    with open(os.path.join(PROGRAMS, "samples", case["packet"] + ".bin"), "rb") as f:
        return f.read()


# ------------------------------------------------------------------ markdown

def setup_text(case):
    parts = []
    if case.get("map_set"):
        parts.append("map-set " + ", ".join(s.split(":", 1)[1] for s in case["map_set"]))
    if case.get("ctx_in"):
        parts.append("ctx-in " + json.dumps(case["ctx_in"], separators=(",", ":")))
    if case.get("repeat"):
        parts.append("repeat %d" % case["repeat"])
    return (" (" + "; ".join(parts) + ")") if parts else ""


def retval_text(prog_type, r):
    if prog_type == "socket_filter":
        return str(r)
    return "%d %s" % (r, TC_VERDICTS.get(r, "")) if r != 0xFFFFFFFF else "-1 UNSPEC"


def ctx_text(ctx):
    parts = []
    for k, v in ctx.items():
        if k in ("ifindex", "wire_len"):
            continue   # always 1 (lo) and the frame length under test_run
        if isinstance(v, list):
            parts.append("%s=[%s]" % (k, ",".join(str(x) for x in v)))
        else:
            parts.append("%s=%#x" % (k, v) if k == "mark" else "%s=%d" % (k, v))
    return " ".join(parts)


def data_text(data_hex, packet, prog_type):
    if data_hex == "same":
        return "same"
    data = bytes.fromhex(data_hex)
    if prog_type == "socket_filter" and data == bytes(14) + packet[14:]:
        return "same but the MAC header zeroed (socket filter)"
    if len(data) != len(packet):
        return "%d -> %d bytes" % (len(packet), len(data))
    diff = [i for i in range(len(data)) if data[i] != packet[i]]
    ranges, start = [], diff[0]
    for a, b in zip(diff, diff[1:] + [None]):
        if b != a + 1:
            ranges.append("%d" % start if a == start else "%d-%d" % (start, a))
            start = b
    return "bytes " + ",".join(ranges) + " changed"


def maps_text(maps):
    parts = []
    for name, m in maps.items():
        if "records" in m:
            recs = m["records"] or []
            disc = sum(1 for r in recs if r["discarded"])
            parts.append("%s: %d record%s%s" % (name, len(recs), "" if len(recs) == 1 else "s",
                                                 " (%d discarded)" % disc if disc else ""))
        elif "filled_slots" in m:
            slots = [str(int.from_bytes(bytes.fromhex(k), "little")) for k in m["filled_slots"]]
            parts.append("%s: slots %s" % (name, ",".join(slots) if slots else "all empty"))
        elif m["entries"] and not name.startswith(".rodata"):
            parts.append("%s: %d entr%s" % (name, len(m["entries"]), "y" if len(m["entries"]) == 1 else "ies"))
    return "; ".join(parts)


def markdown(rows):
    print("| program | packet | kernel retval | ctx_out, maps | data_out | what happened |")
    print("|---|---|---|---|---|---|")
    for prog, case, obs, ptype in rows:
        pkt = packet_bytes(case)
        if "retval" not in obs:
            print("| `%s` | `%s`%s | %s | | | %s |" % (prog["program"], case["packet"], setup_text(case),
                                                   json.dumps(obs), case.get("note", "")))
            continue
        effects = "; ".join(x for x in (ctx_text(obs["ctx_out"]), maps_text(obs["maps"])) if x)
        print("| `%s` | `%s`%s | %s | %s | %s | %s |" % (
            prog["program"], case["packet"], setup_text(case), retval_text(ptype, obs["retval"]),
            effects.replace("|", "\\|"), data_text(obs["data_out"], pkt, ptype), case.get("note", "")))


def write_cases(doc):
    """cases.json with one line per case, so that a changed expectation is a one-line diff."""
    lines = ["{", '  "about": %s,' % json.dumps(doc["about"]), '  "programs": [']
    for i, prog in enumerate(doc["programs"]):
        head = {k: v for k, v in prog.items() if k != "cases"}
        lines.append("    {" + json.dumps(head)[1:-1] + ', "cases": [')
        cases = [json.dumps(c, separators=(", ", ": ")) for c in prog["cases"]]
        lines += ["      " + c + ("," if j + 1 < len(cases) else "") for j, c in enumerate(cases)]
        lines.append("    ]}" + ("," if i + 1 < len(doc["programs"]) else ""))
    lines += ["  ]", "}"]
    with open(CASES, "w") as f:
        f.write("\n".join(lines) + "\n")


def verify_all():
    """Markdown table: every program of every object, the kernel verifier's verdict."""
    print("| object | section | program | type | insns | verifier: processed | verdict |")
    print("|---|---|---|---|---:|---:|---|")
    refused = 0
    build = os.path.join(PROGRAMS, "build")
    for name in sorted(os.listdir(build)):
        if not name.endswith(".o"):
            continue
        obj = os.path.join(build, name)
        info = json.loads(subprocess.run([sys.executable, KERNEL_ORACLE, "info", obj],
                                         capture_output=True, text=True).stdout)
        for p in info.get("programs", []):
            out = subprocess.run([sys.executable, KERNEL_ORACLE, "verify", obj, "--section", p["section"],
                                  "--prog", p["prog"]], capture_output=True, text=True).stdout
            v = json.loads(out)
            verdict = "accepted" if v.get("accepted") else "REFUSED: %s" % v.get("error", v)
            refused += 0 if v.get("accepted") else 1
            print("| `%s` | `%s` | `%s` | %s | %s | %s | %s |" % (
                name[:-2], p["section"], p["prog"], v.get("prog_type"), v.get("insn_cnt"),
                v.get("insns_processed"), verdict))
    return refused


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run Programs/cases.json in the kernel.")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--record", action="store_true", help="store the kernel's answers as expectations")
    mode.add_argument("--markdown", action="store_true", help="print the README table")
    mode.add_argument("--json", action="store_true", help="print the oracle's full output per case")
    mode.add_argument("--verify", action="store_true", help="verify every program of build/*.o")
    mode.add_argument("--compare", action="store_true", help="compare the kernel with skbpf test-run, case by case")
    ap.add_argument("--engine", choices=("kernel", "skbpf"), default="kernel", help="what runs the cases")
    ap.add_argument("--skbpf", default=DEFAULT_SKBPF, help="the skbpf binary")
    ap.add_argument("--only", help="only programs whose name starts with this")
    args = ap.parse_args(argv)

    if args.verify:
        return 1 if verify_all() else 0
    with open(CASES) as f:
        doc = json.load(f)
    if args.compare:
        return compare_all(doc, args)
    rows, raw, failures = [], [], 0
    for prog in doc["programs"]:
        if args.only and not prog["program"].startswith(args.only):
            continue
        for case in prog["cases"]:
            result = run_case(prog, case, args.skbpf if args.engine == "skbpf" else None)
            obs = reduce(result, case, packet_bytes(case))
            rows.append((prog, case, obs, result.get("prog_type")))
            raw.append({"program": prog["program"], "case": case, "oracle": result})
            if args.record:
                case["expect"] = obs
            elif not (args.markdown or args.json):
                if obs != case.get("expect"):
                    failures += 1
                    print("DIFFERS %s / %s%s:\n  %s: %s\n  expect: %s" % (
                        prog["program"], case["packet"], setup_text(case), args.engine, json.dumps(obs),
                        json.dumps(case.get("expect"))))
    if args.record:
        write_cases(doc)
        print("recorded %d cases" % len(rows))
    elif args.markdown:
        markdown(rows)
    elif args.json:
        json.dump(raw, sys.stdout, indent=1)
        print()
    else:
        print("%d cases, %d differ from cases.json" % (len(rows), failures))
    return 1 if failures else 0


def compare_all(doc, args):
    """Every case through the kernel and through skbpf; prints each difference. Exit 1 if any."""
    cases = differing = 0
    for prog in doc["programs"]:
        if args.only and not prog["program"].startswith(args.only):
            continue
        for case in prog["cases"]:
            cases += 1
            kernel = run_case(prog, case)
            skbpf = run_case(prog, case, args.skbpf)
            for side, result in (("kernel", kernel), ("skbpf", skbpf)):
                if "error" in result and "loaded" not in result:
                    print("ERROR %s / %s (%s): %s" % (prog["program"], case["packet"], side, result["error"]))
            diffs = compare(kernel, skbpf, case, packet_bytes(case))
            if diffs:
                differing += 1
                print("DIFFERS %s / %s%s:\n  %s" % (prog["program"], case["packet"], setup_text(case),
                                                   "\n  ".join(diffs)))
    print("%d cases compared, %d differ between the kernel and skbpf" % (cases, differing))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
