#!/usr/bin/env python3
"""Records the kernel's verifier verdict on every bpf_conformance vector (root, kernel BPF).

Each vector's program is loaded as a socket filter by ../shared/tools/kernel_oracle.py verify.
The vectors run on a memory block through r1, which no kernel program type offers: those that
touch it are refused for a context access (or for reading r2), and the test expects skbpf's
raw-memory verified mode to accept them instead. Output: bpf_conformance.json beside this file.

    python3 Tests/ConformanceTests/KernelVerdicts/record.py [--skbpf .build/debug/skbpf]
"""
import argparse, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def sections(path):
    parts, name = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("-- "):
            name = line[3:].strip()
            parts[name] = []
        elif name:
            parts[name].append(line)
    return {k: "".join(v) for k, v in parts.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skbpf", default=os.path.join(ROOT, ".build/debug/skbpf"))
    args = parser.parse_args()
    tests = os.path.join(SHARED, "conformance/bpf_conformance/tests")
    oracle = os.path.join(SHARED, "tools/kernel_oracle.py")
    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(tests)):
            if not name.endswith(".data"):
                continue
            parts = sections(os.path.join(tests, name))
            raw = os.path.join(tmp, "prog.bin")
            if "asm" in parts:
                source = os.path.join(tmp, "prog.s")
                open(source, "w").write(parts["asm"])
                done = subprocess.run([args.skbpf, "asm", source, "-o", raw, "--dialect", "conformance"],
                                      capture_output=True, text=True)
                if done.returncode != 0:
                    continue  # the vector is about assembly, not verification
            elif "raw" in parts:
                open(raw, "wb").write(bytes.fromhex("".join(parts["raw"].split())))
            else:
                continue
            out = subprocess.run([sys.executable, oracle, "verify", "--raw", raw, "--type", "socket_filter"],
                                 capture_output=True, text=True)
            result = json.loads(out.stdout)
            verdicts[name] = {"accepted": bool(result.get("accepted")), "message": result.get("error") or ""}
    with open(os.path.join(HERE, "bpf_conformance.json"), "w") as f:
        json.dump(verdicts, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(verdicts)} vectors, {sum(v['accepted'] for v in verdicts.values())} accepted by the kernel")


if __name__ == "__main__":
    main()
