#!/bin/bash
# Issue 7's figures, side by side, pinned to one core:
#  1. per-packet filter time of the six expressions of ../shared/bench/README.md: skbpf's
#     translated, verified program as native code (Benchmarks/Sources/filter-bench) against
#     libpcap's pcap_offline_filter (../shared/tools/pcapfilter_ref.c), both cache-resident on
#     the same 4,096 packets of the 1M-packet file, alternating so that both see the same moment
#     of a noisy machine; each figure is the median of ROUNDS rounds;
#  2. `skbpf replay --filter 'tcp dst port 80' --matched-out` against `tcpdump -r -w` with the
#     same expression over the whole file: wall time of the whole process, median of 5 after a
#     warm-up, with and without --out-dir (which adds the device captures and verdicts.jsonl).
#
#   Benchmarks/scripts/filter_vs_libpcap.sh [--cpu N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared}
CPU=1
ROUNDS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) CPU=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: $0 [--cpu N] [--rounds N]" >&2; exit 2 ;;
  esac
done
[ -f "$SHARED/tools/pcapfilter_ref.c" ] || { echo "skipped: $SHARED/tools/pcapfilter_ref.c not found (set SHARED)"; exit 0; }
BIG=${BIG:-/tmp/skbpf-big-1M.pcap}
if [ ! -s "$BIG" ]; then
  echo "generating $BIG (gen_traffic.py --packets 1000000 --seed 1)…"
  python3 "$SHARED/tools/gen_traffic.py" --packets 1000000 --seed 1 -o "$BIG"
fi
WORK=$(mktemp -d /tmp/skbpf-filter-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/pcapfilter_ref" "$SHARED/tools/pcapfilter_ref.c" -lpcap
swift build -c release --product skbpf >/dev/null
(cd Benchmarks && swift build -c release --product filter-bench >/dev/null)
FILTER_BENCH=$(cd Benchmarks && swift build -c release --show-bin-path)/filter-bench
SKBPF=.build/release/skbpf

EXPRESSIONS=("tcp" "host 10.1.2.3" "tcp dst port 80" "not port 22 and (udp or icmp)"
             "host 10.1.2.3 or host 10.1.2.4 or host 10.1.2.5 or host 10.1.2.6 or host 10.1.2.7 or host 10.1.2.8 or host 10.1.2.9 or host 10.1.2.10 or host 10.1.2.11 or host 10.1.2.12"
             "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0")
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "per-packet filter time, ns (4,096 packets of $BIG, cache-resident, cpu $CPU, median of $ROUNDS rounds)"
printf "%-34s %8s %8s  %s\n" "expression" "skbpf" "libpcap" ""
for expression in "${EXPRESSIONS[@]}"; do
  ours=() theirs=()
  for _ in $(seq "$ROUNDS"); do
    ours+=("$(taskset -c "$CPU" "$FILTER_BENCH" --pcap "$BIG" --samples 5 "$expression" | awk 'NR == 1 { print $(NF - 4) }')")
    theirs+=("$(taskset -c "$CPU" "$WORK/pcapfilter_ref" -c 4096 -r 250 "$BIG" "$expression" \
                | python3 -c 'import json, sys; print(json.load(sys.stdin)["ns_per_packet"])')")
  done
  a=$(printf "%s\n" "${ours[@]}" | median)
  b=$(printf "%s\n" "${theirs[@]}" | median)
  verdict=$(awk -v a="$a" -v b="$b" 'BEGIN { print (a <= b ? "ok" : "SLOWER") }')
  label=$expression
  [ ${#label} -gt 34 ] && label="${label:0:31}..."
  printf "%-34s %8.1f %8.1f  %s\n" "$label" "$a" "$b" "$verdict"
done

# seconds (ns) of the median of 5 pinned runs after a warm-up
wall() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    taskset -c "$CPU" "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( end - start )))
  done
  printf "%s\n" "${times[@]}" | median
}
rate() { awk -v ns="$1" 'BEGIN { printf "%.2f M packets/s (%.3f s)", 1000000 / (ns / 1e9) / 1e6, ns / 1e9 }'; }
echo
echo "whole file, 'tcp dst port 80', wall time of the process, median of 5"
echo "tcpdump -r -w:                                  $(rate "$(wall tcpdump -r "$BIG" -w "$WORK/t.pcap" 'tcp dst port 80')")"
echo "skbpf replay --filter --matched-out:            $(rate "$(wall $SKBPF replay --in "$BIG" --filter 'tcp dst port 80' --matched-out "$WORK/m.pcap")")"
echo "  the same with --out-dir (+ verdicts.jsonl):   $(rate "$(wall $SKBPF replay --in "$BIG" --filter 'tcp dst port 80' --matched-out "$WORK/m.pcap" --out-dir "$WORK/out")")"
cmp -s "$WORK/m.pcap" "$WORK/t.pcap" && echo "m.pcap is byte for byte tcpdump's" || echo "m.pcap DIFFERS from tcpdump's"
