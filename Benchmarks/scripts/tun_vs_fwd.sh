#!/bin/bash
# Issue 6's live figures: TCP throughput and small-packet UDP forwarding of `skbpf attach` with
# the 5-tuple classifier, against the reference C forwarder (../shared/tools/tun/fwd.c) on the
# same two-namespace rig (MTU 1500), through ../shared/tools/tun/tun_bench.py (median of RUNS).
# Also with offload (IFF_VNET_HDR pass-through of GSO packets) on both sides, and with --mq
# on multi-queue devices (two queues: fwd.c -q 2, skbpf's two workers) with four TCP flows.
#
#   Benchmarks/scripts/tun_vs_fwd.sh [--runs N] [--secs S] [--tests tcp,udp64,blast] [--mq]
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared}
RUNS=3 SECS=10 TESTS=tcp,udp64,blast MQ=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;; --secs) SECS=$2; shift 2 ;; --tests) TESTS=$2; shift 2 ;; --mq) MQ=1; shift ;;
    *) echo "usage: $0 [--runs N] [--secs S] [--tests LIST] [--mq]" >&2; exit 2 ;;
  esac
done
TUN=$SHARED/tools/tun
[ -f "$TUN/tun_bench.py" ] || { echo "skipped: $TUN/tun_bench.py not found (set SHARED)"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 0; }
swift build -c release --product skbpf >/dev/null
make -s programs >/dev/null
WORK=$(mktemp -d /tmp/skbpf-tunbench.XXXXXX)
trap '"$TUN/tun_rig.sh" down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
gcc -O2 -Wall -pthread -o "$WORK/fwd" "$TUN/fwd.c"
[ -x "$TUN/udpblast" ] || gcc -O2 -Wall -o "$TUN/udpblast" "$TUN/udpblast.c"
"$TUN/tun_rig.sh" down >/dev/null 2>&1 || true
"$TUN/tun_rig.sh" up >/dev/null

SKBPF="$PWD/.build/release/skbpf attach --tun tunA@skA --tun tunB@skB --route 10.200.1.0/24=tunA --route 10.200.2.0/24=tunB --attach ingress=$PWD/Programs/build/classifier.o"
cat > "$WORK/offload.yaml" <<YAML
devices:
  - name: tunA
    tun: {netns: skA, offload: true}
  - name: tunB
    tun: {netns: skB, offload: true}
routes:
  - {prefix: 10.200.1.0/24, device: tunA}
  - {prefix: 10.200.2.0/24, device: tunB}
attach:
  - hook: ingress
    program: $PWD/Programs/build/classifier.o
YAML
# The machine is shared and noisy: the two forwarders alternate, one run each at a time, and
# the medians are taken at the end (summary: median per forwarder and test, skbpf/fwd.c ratio,
# forwarder CPU µs per packet). TCP: receiver Gb/s; UDP: packets forwarded (the B side's device
# counter, what the anchor figures give), and those the receiver got.
pair() { # TEST LABEL FWD_COMMAND SKBPF_COMMAND
  for _ in $(seq "$RUNS"); do
    python3 "$TUN/tun_bench.py" --runs 1 --secs "$SECS" --tests "$1" --out "$WORK/results.jsonl" --label "fwd.c$2" --fwd "$3" >/dev/null 2>&1
    python3 "$TUN/tun_bench.py" --runs 1 --secs "$SECS" --tests "$1" --out "$WORK/results.jsonl" --label "skbpf$2" --fwd "$4" >/dev/null 2>&1
  done
}
for test in ${TESTS//,/ }; do pair "$test" "" "$WORK/fwd tunA@skA tunB@skB" "$SKBPF"; done
pair tcp -offload "$WORK/fwd -V tunA@skA tunB@skB" "$PWD/.build/release/skbpf attach --pipeline $WORK/offload.yaml"
if [ "$MQ" = 1 ]; then
  "$TUN/tun_rig.sh" down >/dev/null 2>&1 || true
  "$TUN/tun_rig.sh" up --mq >/dev/null
  sed -e 's/offload: true/queues: 2/' "$WORK/offload.yaml" > "$WORK/mq.yaml"
  pair tcp4 -2q "$WORK/fwd -q 2 tunA@skA tunB@skB" "$PWD/.build/release/skbpf attach --pipeline $WORK/mq.yaml"
fi
python3 - "$WORK/results.jsonl" <<'PY'
import collections, json, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    record = json.loads(line)
    runs[(record["label"], record["test"])] += record["runs"]
def figure(test, run):
    return run["gbps"] if test.startswith("tcp") else run["fwd_pkts_pps"]
unit = lambda test: "Gb/s" if test.startswith("tcp") else "packets/s forwarded"
median = lambda rs, key: statistics.median(r[key] for r in rs) if rs else float("nan")
for (label, test), values in sorted(runs.items(), key=lambda item: (item[0][1], item[0][0])):
    if not label.startswith("skbpf"): continue
    reference = runs.get(("fwd.c" + label[5:], test), [])
    ours = statistics.median(figure(test, r) for r in values)
    theirs = statistics.median(figure(test, r) for r in reference) if reference else float("nan")
    delivered = "" if test.startswith("tcp") else \
        f"; delivered to the receiver {median(values, 'dlv_pps'):,.0f} vs {median(reference, 'dlv_pps'):,.0f} packets/s"
    print(f"{test + label[5:]:>14}: skbpf {ours:,.2f} vs fwd.c {theirs:,.2f} {unit(test)} ({100 * ours / theirs:.0f}%){delivered};"
          f" engine CPU {median(values, 'fwd_ns_per_pkt') / 1000:.2f} µs/packet (fwd.c {median(reference, 'fwd_ns_per_pkt') / 1000:.2f});"
          f" runs {[round(figure(test, r), 2) for r in values]} vs {[round(figure(test, r), 2) for r in reference]}")
PY
