#!/usr/bin/env python3
"""socket_filter_oracle.py - the kernel's answer for classic BPF socket filters.

Attaches each classic program to an AF_PACKET socket on the loopback device of a fresh network
namespace (SO_ATTACH_FILTER), sends the case's frame on that device and reports what the socket
received: nothing (the filter returned 0), or the frame cut to the filter's return value. A
program the kernel refuses (EINVAL from its checker) is reported as not attached. Root only.

  socket_filter_oracle.py CASES.json      ->  one JSON array on stdout, one entry per case

  case:   {"program": [[code, jt, jf, k], ...], "frame": "hex bytes", "mark": 0}
          (frames of 14 bytes or more; 20 or more with a VLAN tag, which lo drops shorter)
  entry:  {"attached": true, "delivered": 42}       (bytes received)
          {"attached": true, "delivered": null}     (dropped by the filter)
          {"attached": false, "errno": "EINVAL"}

How a packet is observed: a second, filterless socket on lo is opened first; the kernel hands a
received frame to the sockets of a device newest first, so once the filterless one has the
frame, the filter's socket has had its turn. Outgoing copies are ignored (PACKET_IGNORE_OUTGOING).
"""
import ctypes, errno, json, os, select, socket, struct, subprocess, sys

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
SO_MARK = 36
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23

libc = ctypes.CDLL(None, use_errno=True)


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]


def attach(sock, program):
    insns = (SockFilter * max(len(program), 1))(*[SockFilter(*i) for i in program])
    prog = SockFprog(len(program), insns)
    rc = libc.setsockopt(sock.fileno(), socket.SOL_SOCKET, SO_ATTACH_FILTER, ctypes.byref(prog), ctypes.sizeof(prog))
    return 0 if rc == 0 else ctypes.get_errno()


def packet_socket():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    s.bind(("lo", 0))
    return s


def receive(sock, timeout):
    """The first frame the socket receives within `timeout` seconds, or None."""
    if not select.select([sock], [], [], timeout)[0]:
        return None
    return sock.recv(1 << 17)


def main():
    cases = json.load(open(sys.argv[1]))
    if libc.unshare(CLONE_NEWNET) != 0:
        print("socket_filter_oracle.py: unshare(CLONE_NEWNET): " + os.strerror(ctypes.get_errno()), file=sys.stderr)
        return 1
    # lo up, without addresses: nothing is local and no route leads anywhere, so the kernel
    # answers none of the frames (no RST, no ICMP error): lo carries only what this script sends.
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "flush", "dev", "lo"], check=True)
    sender = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sender.bind(("lo", 0))
    witness = packet_socket()
    results = []
    for case in cases:
        filtered = packet_socket()
        code = attach(filtered, case["program"])
        if code != 0:
            results.append({"attached": False, "errno": errno.errorcode.get(code, str(code))})
            filtered.close()
            continue
        sender.setsockopt(socket.SOL_SOCKET, SO_MARK, case.get("mark", 0))
        frame = bytes.fromhex(case["frame"])
        sender.send(frame)
        # The witness sees every frame (no filter): once it has this one, the filtered socket has
        # had its turn. lo takes an outer VLAN tag out of the bytes (skb_vlan_untag).
        expected = frame[:12] + frame[16:] if frame[12:14] in (b"\x81\x00", b"\x88\xa8") else frame
        while True:
            seen = receive(witness, 2.0)
            if seen is None:
                print("socket_filter_oracle.py: the frame of case %d never arrived" % len(results), file=sys.stderr)
                return 1
            if seen == expected:
                break
        got = receive(filtered, 0)
        results.append({"attached": True, "delivered": None if got is None else len(got)})
        filtered.close()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
