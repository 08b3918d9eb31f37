#!/bin/bash
# Issue 5's replay figure: `skbpf replay` of the 1,000,000-packet gen_traffic file through a
# 5-tuple classifier at ingress and per-flow counters at egress (the default topology), against
# `tcpdump -r big.pcap -w out.pcap 'tcp dst port 80'` on the same file, both pinned to one core.
# Each figure is the median of 5 runs after a warm-up run (the warm-up puts the file in the page
# cache; an idle machine's memory reclaim may evict it between runs).
#
#   Benchmarks/scripts/replay_vs_tcpdump.sh [--cpu N] [--out DIR]
#
# Outputs go to DIR (default: a fresh directory under /tmp). `--out null` sends every output
# file to /dev/null, which measures the engine without the filesystem's write cost.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared}
CPU=1
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) CPU=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "usage: $0 [--cpu N] [--out DIR|null]" >&2; exit 2 ;;
  esac
done
BIG=${BIG:-/tmp/skbpf-big-1M.pcap}
if [ ! -s "$BIG" ]; then
  [ -f "$SHARED/tools/gen_traffic.py" ] || { echo "skipped: $SHARED/tools/gen_traffic.py not found (set SHARED)"; exit 0; }
  echo "generating $BIG (gen_traffic.py --packets 1000000 --seed 1)…"
  python3 "$SHARED/tools/gen_traffic.py" --packets 1000000 --seed 1 -o "$BIG"
fi
swift build -c release --product skbpf >/dev/null
make -s programs >/dev/null
SKBPF=.build/release/skbpf
WORK=$(mktemp -d /tmp/skbpf-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ "$OUT" = null ]; then
  OUT=$WORK/null
  mkdir -p "$OUT"
  for f in out.pcap dropped.pcap local.pcap verdicts.jsonl; do ln -s /dev/null "$OUT/$f"; done
elif [ -z "$OUT" ]; then
  OUT=$WORK/out
fi

# seconds of the median of 5 pinned runs after one warm-up
median() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    taskset -c "$CPU" "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( end - start )))
  done
  printf "%s\n" "${times[@]}" | sort -n | sed -n 3p
}
rate() { awk -v ns="$1" 'BEGIN { printf "%.2f M packets/s (%.3f s)", 1000000 / (ns / 1e9) / 1e6, ns / 1e9 }'; }

PROGRAMS="--attach ingress=Programs/build/classifier.o --attach egress=Programs/build/flow_counters.o"
echo "file: $BIG; outputs: $OUT; cpu $CPU"
echo "tcpdump -r -w 'tcp dst port 80':             $(rate "$(median tcpdump -r "$BIG" -w "$WORK/tcpdump.pcap" 'tcp dst port 80')")"
echo "skbpf replay (classifier + flow_counters):   $(rate "$(median $SKBPF replay $PROGRAMS --in "$BIG" --out-dir "$OUT")")"
echo "  the same with --no-verdicts:               $(rate "$(median $SKBPF replay --no-verdicts $PROGRAMS --in "$BIG" --out-dir "$OUT")")"
echo "  no programs, --no-verdicts:                $(rate "$(median $SKBPF replay --no-verdicts --in "$BIG" --out-dir "$OUT")")"
echo "tcpdump -r -w (every packet):                $(rate "$(median tcpdump -r "$BIG" -w "$WORK/tcpdump-all.pcap")")"
