#!/usr/bin/env bash
# End-to-end checks of `skbpf attach` on a rig of its own: namespaces A and B (and C for the
# fwmark route) joined only through skbpf's TUN devices.
#
#   A 10.200.1.2 ─ tunA ═╗                      ╔═ tunB ─ B 10.200.2.2
#                        ╚══ skbpf attach ══════╣
#                            (10.200.1.1 echo)  ╚═ tunC ─ C 10.200.3.2   (packets marked 2)
#
# Exit 0: every check passed; 1: a check failed; 77: cannot run here (not root, no TUN…).
# SKBPF (the binary), SOAK_SECONDS (default 60; 0 skips the soak) may be set.
set -uo pipefail
cd "$(dirname "$0")/../.."
SKBPF=${SKBPF:-.build/debug/skbpf}
SOAK_SECONDS=${SOAK_SECONDS:-60}
P=skbpfe2e$$
NA=${P}A NB=${P}B NC=${P}C NM=${P}M NN=${P}N
WORK=$(mktemp -d /tmp/skbpf-e2e.XXXXXX)
ENGINE_PID=""

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TUN devices)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
for tool in ip ping iperf3 tcpdump python3; do command -v $tool >/dev/null || skip "$tool not installed"; done
[ -x "$SKBPF" ] || skip "$SKBPF not built"
[ -f Programs/build/port_nat.o ] || skip "example programs not built (make programs)"

cleanup() {
  [ -n "$ENGINE_PID" ] && kill -9 "$ENGINE_PID" 2>/dev/null
  for ns in $NA $NB $NC $NM $NN; do ip netns del $ns 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

host() { # ns dev addr/24 peer-nets...   (MQ=multi_queue for a multi-queue device)
  local ns=$1 dev=$2 addr=$3; shift 3
  ip netns add $ns
  ip tuntap add dev $dev mode tun ${MQ:-}
  ip link set $dev netns $ns
  ip -n $ns link set lo up
  ip -n $ns link set $dev addrgenmode none mtu 1500 up
  ip -n $ns addr add $addr dev $dev
  for net in "$@"; do ip -n $ns route add $net dev $dev; done
}
host $NA tunA 10.200.1.2/24 10.200.2.0/24 10.200.3.0/24
host $NB tunB 10.200.2.2/24 10.200.1.0/24 10.200.3.0/24
host $NC tunC 10.200.3.2/24 10.200.1.0/24 10.200.2.0/24

# pipeline FILE with the attachments given as YAML on stdin
pipeline() {
  cat > "$1" <<YAML
devices:
  - name: tunA
    addresses: [10.200.1.1/24]
    tun: {netns: $NA}
  - name: tunB
    addresses: [10.200.2.1/24]
    tun: {netns: $NB}
  - name: tunC
    addresses: [10.200.3.1/24]
    tun: {netns: $NC}
rules:
  - fwmark: 0x2/0xff
    table: 100
routes:
  - prefix: 10.200.2.0/24
    device: tunC
    table: 100
sockets:
  - protocol: udp
    port: 7
    address: 10.200.1.1
    echo: true
attach:
$(cat)
YAML
}
start() { # pipeline file, extra args...
  "$SKBPF" attach --pipeline "$@" >"$WORK/out" 2>"$WORK/err" &
  ENGINE_PID=$!
  for _ in $(seq 50); do grep -q "attached to" "$WORK/err" 2>/dev/null && return 0; sleep 0.1; done
  echo "engine did not start:"; cat "$WORK/err"; return 1
}
stop() {
  kill -INT $ENGINE_PID; wait $ENGINE_PID; local status=$?; ENGINE_PID=""
  return $status
}
kernel_tx() { ip -n $1 -s -j link show $2 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])'; }
json_field() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); print($1)"; }
udp_send() { # ns dst port [expect-reply] -> prints the reply or "timeout"
  ip netns exec $1 python3 - "$2" "$3" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
s.sendto(b"skbpf-echo", (sys.argv[1], int(sys.argv[2])))
try: print(s.recvfrom(2048)[0].decode())
except socket.timeout: print("timeout")
PY
}

# 1. pass-all: ping A -> B works; totals add up and match what the kernel sent into tunA.
printf '  - hook: forward\n    program: %s/Programs/build/pass_all.o\n' "$PWD" | pipeline "$WORK/pass.yaml"
before=$(kernel_tx $NA tunA)
start "$WORK/pass.yaml" --json || exit 1
if ip netns exec $NA ping -c 3 -i 0.2 -W 1 10.200.2.2 >/dev/null; then pass "ping A->B with pass_all"; else fail "ping A->B with pass_all"; fi
sent_into_a=$(( $(kernel_tx $NA tunA) - before ))
stop
[ "$(json_field 'd["totals"]["adds_up"]')" = True ] && pass "totals add up" || fail "totals do not add up: $(cat $WORK/out)"
rx=$(json_field '[x for x in d["devices"] if x["name"]=="tunA"][0]["rx_packets"]')
[ "$rx" = "$sent_into_a" ] && pass "every packet A sent was read ($rx)" || fail "read $rx packets, A sent $sent_into_a"

# 2. drop_icmp: ping fails, the program counts the drops.
printf '  - hook: forward\n    program: %s/Programs/build/drop_icmp.o\n' "$PWD" | pipeline "$WORK/drop.yaml"
start "$WORK/drop.yaml" --json || exit 1
if ip netns exec $NA ping -c 3 -i 0.2 -W 1 10.200.2.2 >/dev/null; then fail "ping A->B passed drop_icmp"; else pass "ping A->B fails with drop_icmp"; fi
stop
drops=$(json_field '[p for p in d["programs"]][0]["dropped"]')
[ "$drops" -ge 3 ] && pass "drop_icmp dropped $drops" || fail "drop_icmp dropped $drops"

# 3. DNAT: A connects to 10.200.2.80:80, B's iperf3 server on 10.200.2.2:5201 answers; tcpdump -vv
#    in B sees the rewritten packets with correct checksums.
cat <<YAML | pipeline "$WORK/nat.yaml"
  - hook: prerouting
    program: $PWD/Programs/build/port_nat.o
    maps:
      - map: dnat_rules
        key: "0ac80250 0050 06 00"
        value: "0ac80202 1451 0000"
      - map: snat_rules
        key: "0ac80202 1451 06 00"
        value: "0ac80250 0050 0000"
YAML
start "$WORK/nat.yaml" || exit 1
ip netns exec $NB tcpdump -n -vv -i tunB -c 30 -w "$WORK/b.pcap" tcp 2>/dev/null & TD=$!
ip netns exec $NB iperf3 -s -1 -D -p 5201 >/dev/null 2>&1; sleep 0.5
if ip netns exec $NA iperf3 -c 10.200.2.80 -p 80 -t 2 -J >"$WORK/iperf.json" 2>/dev/null; then
  pass "TCP through DNAT: $(python3 -c "import json; print('%.2f Gb/s' % (json.load(open('$WORK/iperf.json'))['end']['sum_received']['bits_per_second']/1e9))")"
else fail "TCP through DNAT failed"; fi
sleep 0.5; kill $TD 2>/dev/null; wait $TD 2>/dev/null
stop
decoded=$(tcpdump -n -vv -r "$WORK/b.pcap" 2>/dev/null)
if echo "$decoded" | grep -q "10.200.2.2.5201" && ! echo "$decoded" | grep -qi "incorrect"; then
  pass "tcpdump -vv in B: DNAT rewrite to 10.200.2.2.5201 with correct checksums"
else fail "tcpdump -vv in B: $(echo "$decoded" | head -4)"; fi

# 4. fwmark: the classifier marks UDP 2; the rule sends it (to B's net) through table 100 -> tunC.
printf '  - hook: prerouting\n    program: %s/Programs/build/classifier.o\n' "$PWD" | pipeline "$WORK/mark.yaml"
start "$WORK/mark.yaml" --json || exit 1
for _ in 1 2 3; do udp_send $NA 10.200.2.2 9999 >/dev/null; done
ip netns exec $NA ping -c 2 -i 0.2 -W 1 10.200.2.2 >/dev/null || true
stop
c_tx=$(json_field '[x for x in d["devices"] if x["name"]=="tunC"][0]["tx_packets"]')
b_tx=$(json_field '[x for x in d["devices"] if x["name"]=="tunB"][0]["tx_packets"]')
[ "$c_tx" -ge 3 ] && [ "$b_tx" -ge 2 ] && pass "fwmark: marked UDP to tunC ($c_tx), unmarked ICMP to tunB ($b_tx)" || fail "fwmark: tunC $c_tx, tunB $b_tx"

# 5. The echo service on the engine's own address answers through the socket hook; a socket
#    filter that refuses everything is obeyed.
printf '  - hook: forward\n    program: %s/Programs/build/pass_all.o\n' "$PWD" | pipeline "$WORK/echo.yaml"
start "$WORK/echo.yaml" --json || exit 1
reply=$(udp_send $NA 10.200.1.1 7)
stop
[ "$reply" = "skbpf-echo" ] && pass "UDP echo on 10.200.1.1:7 answered" || fail "UDP echo: $reply"
printf '  - hook: socket\n    program: %s/Programs/asm/refuse_all.s\n' "$PWD" | pipeline "$WORK/refuse.yaml"
start "$WORK/refuse.yaml" --json || exit 1
reply=$(udp_send $NA 10.200.1.1 7)
stop
filtered=$(json_field 'd["sockets"][0]["filtered"]')
[ "$reply" = timeout ] && [ "$filtered" -ge 1 ] && pass "socket filter refusing: no echo, filtered $filtered" || fail "socket filter: reply '$reply', filtered $filtered"

# 6. SIGHUP swaps pass_all -> drop_icmp during a ping run: replies before, none after, and the
#    counters have no gap (every packet the kernel sent into tunA was read).
cp "$WORK/pass.yaml" "$WORK/live.yaml"
before=$(kernel_tx $NA tunA)
start "$WORK/live.yaml" --json || exit 1
ip netns exec $NA ping -c 40 -i 0.05 -W 1 10.200.2.2 >"$WORK/ping.txt" 2>&1 & PING=$!
sleep 1
cp "$WORK/drop.yaml" "$WORK/live.yaml"; kill -HUP $ENGINE_PID
wait $PING
sent_into_a=$(( $(kernel_tx $NA tunA) - before ))
stop
received=$(grep -o "[0-9]* received" "$WORK/ping.txt" | cut -d' ' -f1)
rx=$(json_field '[x for x in d["devices"] if x["name"]=="tunA"][0]["rx_packets"]')
reloads=$(json_field 'd["reloads"]["done"]')
if [ "$reloads" = 1 ] && [ "$received" -ge 5 ] && [ "$received" -le 30 ] && [ "$rx" = "$sent_into_a" ] \
   && [ "$(json_field 'd["totals"]["adds_up"]')" = True ]; then
  pass "SIGHUP pass_all -> drop_icmp: $received/40 replies, $rx packets read of $sent_into_a sent, totals add up"
else fail "SIGHUP: reloads $reloads, replies $received, read $rx of $sent_into_a; $(grep reload $WORK/err)"; fi
# A pipeline that does not load leaves the running one.
start "$WORK/live.yaml" || exit 1
echo "attach: [" > "$WORK/live.yaml"; kill -HUP $ENGINE_PID; sleep 0.5
grep -q "reload failed, the running pipeline stays" "$WORK/err" && pass "a broken pipeline on SIGHUP keeps the running one" || fail "broken reload: $(cat $WORK/err)"
stop

# 7. Soak: iperf3 TCP + a UDP flood + a ping flood through the classifier; RSS flat, totals add up.
if [ "$SOAK_SECONDS" -gt 0 ]; then
  printf '  - hook: forward\n    program: %s/Programs/build/classifier.o\n' "$PWD" | pipeline "$WORK/soak.yaml"
  before=$(kernel_tx $NA tunA)
  start "$WORK/soak.yaml" --json || exit 1
  ip netns exec $NB iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
  ip netns exec $NB iperf3 -s -1 -D -p 5202 >/dev/null 2>&1; sleep 0.5
  ip netns exec $NA iperf3 -c 10.200.2.2 -p 5201 -t $SOAK_SECONDS >/dev/null 2>&1 & T1=$!
  ip netns exec $NA iperf3 -c 10.200.2.2 -p 5202 -u -b 50M -l 64 -t $SOAK_SECONDS >/dev/null 2>&1 & T2=$!
  ip netns exec $NA ping -f -w $SOAK_SECONDS 10.200.2.2 >/dev/null 2>&1 & T3=$!
  sleep $((SOAK_SECONDS / 4)); rss1=$(awk '/VmRSS/ {print $2}' /proc/$ENGINE_PID/status)
  wait $T1 $T2 $T3
  rss2=$(awk '/VmRSS/ {print $2}' /proc/$ENGINE_PID/status)
  stop; status=$?
  # Counted after the stop: a straggler of the flows (a retransmission, iperf3's teardown) may
  # still reach tunA between the clients' end and the stop; it is read or left queued, never
  # read without being sent.
  sent_into_a=$(( $(kernel_tx $NA tunA) - before ))
  rx=$(json_field '[x for x in d["devices"] if x["name"]=="tunA"][0]["rx_packets"]')
  total=$(json_field 'd["packets"]')
  if [ $status = 0 ] && [ "$(json_field 'd["totals"]["adds_up"]')" = True ] && [ "$rx" -le "$sent_into_a" ] \
     && [ $((sent_into_a - rx)) -le 16 ] && [ $((rss2 - rss1)) -lt 4096 ]; then
    pass "soak ${SOAK_SECONDS}s: $total packets, RSS $rss1 -> $rss2 KB, totals add up, read $rx of $sent_into_a"
  else fail "soak: exit $status, RSS $rss1 -> $rss2 KB, read $rx of $sent_into_a"; fi
fi

# 8. Deleting a device under the engine: reported; on_gone: continue goes on, exit stops (exit 1).
printf '  - hook: forward\n    program: %s/Programs/build/pass_all.o\n' "$PWD" | pipeline "$WORK/gone.yaml"
start "$WORK/gone.yaml" || exit 1
ip -n $NC link del tunC
for _ in $(seq 30); do grep -q "tunC.*is gone" "$WORK/err" && break; sleep 0.2; done
if kill -0 $ENGINE_PID 2>/dev/null && grep -q "tunC.*is gone" "$WORK/err" \
   && ip netns exec $NA ping -c 2 -i 0.2 -W 1 10.200.2.2 >/dev/null; then
  pass "tunC deleted: reported, A->B still forwarded"
else fail "device gone: $(cat $WORK/err)"; fi
stop
ip netns del $NC; host $NC tunC 10.200.3.2/24 10.200.1.0/24 10.200.2.0/24
sed -i "s/tun: {netns: $NB}/tun: {netns: $NB, on_gone: exit}/" "$WORK/gone.yaml"
start "$WORK/gone.yaml" || exit 1
ip -n $NB link del tunB
for _ in $(seq 30); do kill -0 $ENGINE_PID 2>/dev/null || break; sleep 0.2; done
wait $ENGINE_PID; status=$?; ENGINE_PID=""
[ $status = 1 ] && grep -q "stopping (on_gone: exit)" "$WORK/err" && pass "tunB deleted with on_gone: exit: stopped, exit 1" || fail "on_gone exit: status $status; $(cat $WORK/err)"

# 9. Multi-queue devices: two workers, one per queue. Sixteen UDP flows (the kernel spreads
#    flows over a device's queues by hash) and a TCP connection with flow_counters (a hash map
#    and atomic adds shared by both workers); a SIGHUP in the middle swaps the pipeline with the
#    workers parked. Both workers get packets, every packet sent is read, totals add up.
MQ=multi_queue host $NM tunM 10.201.1.2/24 10.201.2.0/24
MQ=multi_queue host $NN tunN 10.201.2.2/24 10.201.1.0/24
cat > "$WORK/mq.yaml" <<YAML
devices:
  - name: tunM
    tun: {netns: $NM, queues: 2}
  - name: tunN
    tun: {netns: $NN, queues: 2}
routes:
  - {prefix: 10.201.1.0/24, device: tunM}
  - {prefix: 10.201.2.0/24, device: tunN}
attach:
  - hook: forward
    program: $PWD/Programs/build/flow_counters.o
YAML
before=$(kernel_tx $NM tunM)
start "$WORK/mq.yaml" --json || exit 1
ip netns exec $NN iperf3 -s -1 -D -p 5201 >/dev/null 2>&1; sleep 0.3
ip netns exec $NM iperf3 -c 10.201.2.2 -p 5201 -t 3 -P 2 >"$WORK/mq-tcp.txt" 2>&1 & TCP=$!
ip netns exec $NM python3 - <<'PY' &
import socket, time
socks = []
for _ in range(16):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.201.1.2", 0)); socks.append(s)
for round in range(300):
    for s in socks: s.sendto(b"x" * 64, ("10.201.2.2", 9))
    time.sleep(0.005)
PY
UDP=$!
sleep 1.5; kill -HUP $ENGINE_PID
wait $UDP; wait $TCP; tcp_status=$?
sleep 0.3
stop; status=$?
sent_into_m=$(( $(kernel_tx $NM tunM) - before ))
rx=$(json_field '[x for x in d["devices"] if x["name"]=="tunM"][0]["rx_packets"]')
workers=$(json_field '" ".join(str(w["received"]) for w in d["workers"])')
if [ $status = 0 ] && [ $tcp_status = 0 ] && [ "$(json_field 'd["totals"]["adds_up"]')" = True ] && [ "$rx" = "$sent_into_m" ] \
   && [ "$(json_field 'len(d["workers"]) == 2 and all(w["received"] > 0 for w in d["workers"])')" = True ] \
   && [ "$(json_field 'd["reloads"]["done"]')" = 1 ]; then
  pass "multi-queue: 2 workers received $workers, read $rx of $sent_into_m, reload with workers parked, TCP ok"
else fail "multi-queue: exit $status, tcp $tcp_status, workers $workers, read $rx of $sent_into_m; $(cat $WORK/err)"; fi

echo "attach e2e: $failures failure(s)"
[ $failures = 0 ]
