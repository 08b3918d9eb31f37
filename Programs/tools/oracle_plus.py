#!/usr/bin/env python3
"""oracle_plus.py - kernel_oracle.py plus two things it leaves out: prog-array initial values
(as libbpf loads them) and the records in ring buffers.

This wrapper runs the oracle (../../../shared/tools/kernel_oracle.py, or $KERNEL_ORACLE)
unchanged except for:

1. Prog arrays. The oracle leaves them empty: it does not read a BTF map's
`__array(values, ...)` initialiser, so every tail call of a dispatcher such as
Programs/c/tail_dispatch.c falls through. Here, right after the maps of the selected program
are created, each prog array is filled from the object's ".rel.maps" relocations:

  * a relocation at byte offset O of ".maps", inside the map variable V whose `values`
    member starts at byte offset B of V, names the program for slot (O - V - B) / 8;
  * that program (a function in its own section) is linked and loaded the way the oracle
    loads the main program, with the main program's type and licence, sharing every map
    of the same name with it; its fd is written into the slot.
  With --dump-maps a prog array's entries are the kernel's program *ids*: they change from
  run to run, compare only which slots are filled.

2. Ring buffers. With --dump-maps the oracle reports a ring buffer as "entries": null. Here
its map also gets "records": the committed records in the order written, each as
{"len": n, "discarded": bool, "data": hex}, read through the buffer's mmap()ed consumer,
producer and data pages (nothing is consumed).

Usage and output are otherwise exactly kernel_oracle.py's (`run`, `verify`, `info`), e.g.

  Programs/tools/oracle_plus.py run Programs/build/tail_dispatch.o --section tc \\
      --packet Programs/samples/tcp_syn_port80.bin
  Programs/tools/oracle_plus.py run Programs/build/ringbuf_logger.o --section tc \\
      --packet Programs/samples/udp_dns_query.bin --repeat 3 --dump-maps

Standard library only; root, like the oracle.
"""

import importlib.util
import mmap
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ORACLE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "tools", "kernel_oracle.py"))
MAP_TYPE_PROG_ARRAY = 3
MAP_TYPE_RINGBUF = 27
RINGBUF_BUSY_BIT = 1 << 31
RINGBUF_DISCARD_BIT = 1 << 30
RINGBUF_HDR_SZ = 8


def load_oracle():
    path = os.environ.get("KERNEL_ORACLE", DEFAULT_ORACLE)
    spec = importlib.util.spec_from_file_location("kernel_oracle", path)
    if spec is None or spec.loader is None:
        sys.exit("oracle_prog_array: cannot load %s (set KERNEL_ORACLE)" % path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sys.dont_write_bytecode = True  # leave no __pycache__ next to the shared oracle
ko = load_oracle()
original_prepare = ko.prepare


def values_offset(btf, var_type_id):
    """Byte offset of the `values` member in a BTF map definition, or None."""
    t = btf.types[btf.skip_mods(var_type_id)]
    if t.kind != 4:
        return None
    for name, _type, bit_offset in btf.members(t):
        if name == "values":
            return (bit_offset & 0xFFFFFF) // 8
    return None


def initial_slots(P):
    """{map name: [(slot, Symbol of the program)]} from the .maps relocations."""
    elf, btf = getattr(P, "_elf", None), getattr(P, "_btf", None)
    if elf is None or btf is None or ".maps" not in elf.by_name:
        return {}
    dotmaps = elf.by_name[".maps"]
    relocs = elf.relocs.get(dotmaps.idx, {})
    datasec = btf.find(15, ".maps")
    if not relocs or datasec is None:
        return {}
    slots = {}
    for var_tid, _off, _size in btf.datasec_vars(datasec):
        var = btf.types[var_tid]
        name = btf.name(var)
        sym = next((y for y in elf.symbols if y.shndx == dotmaps.idx and y.name == name), None)
        base = values_offset(btf, var.size_type)
        if sym is None or base is None:
            continue
        for off, (target, _rtype) in sorted(relocs.items()):
            if sym.value + base <= off < sym.value + max(sym.size, base):
                slots.setdefault(name, []).append(((off - sym.value - base) // 8, target))
    return slots


def load_tail_program(P, target, shared):
    """Links, prepares and loads the function `target` like the main program; returns its fd."""
    elf = P._elf
    section = elf.sections[target.shndx].name
    sub = ko.build_from_elf(P._elf_path, section, target.name)
    sub.prog_type, sub.license = P.prog_type, P.license
    for m in sub.maps:
        if m.name in shared:
            # Same map as the main program's: reuse its fd instead of creating another.
            m.create = (lambda fd: (lambda _btf_fd, m=m: setattr(m, "fd", fd)))(shared[m.name].fd)
    original_prepare(sub)
    fd, err, log = ko.load(sub, 1)
    if fd < 0:
        raise ko.OracleError("tail-call program %s (section %s) refused: %s: %s"
                             % (target.name, section, ko.errname(err), ko.first_error(log)))
    return fd


def prepare_with_prog_arrays(P):
    original_prepare(P)
    slots = initial_slots(P)
    if not slots:
        return
    shared = {m.name: m for m in P.maps}
    for map_name, entries in slots.items():
        m = shared.get(map_name)
        if m is None or m.type != MAP_TYPE_PROG_ARRAY:
            continue
        for slot, target in entries:
            fd = load_tail_program(P, target, shared)
            r, e = ko.map_update(m.fd, struct.pack("<I", slot), struct.pack("<I", fd))
            if r < 0:
                raise ko.OracleError("prog array %s slot %d: update failed: %s" % (map_name, slot, ko.errname(e)))


original_build_from_elf = ko.build_from_elf


def build_from_elf_remembering_path(path, section=None, prog_name=None):
    P = original_build_from_elf(path, section, prog_name)
    P._elf_path = path
    return P


def ringbuf_records(m):
    """The committed records of ring buffer map `m`, oldest first, without consuming them."""
    page = mmap.PAGESIZE
    size = m.max_entries
    with mmap.mmap(m.fd, page, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=0) as cons:
        consumer = struct.unpack_from("<Q", cons, 0)[0]
    # The producer page and the data pages (mapped twice, back to back) are read-only.
    with mmap.mmap(m.fd, page + 2 * size, mmap.MAP_SHARED, mmap.PROT_READ, offset=page) as prod:
        producer = struct.unpack_from("<Q", prod, 0)[0]
        records = []
        pos = consumer
        while pos < producer:
            off = page + (pos & (size - 1))
            length = struct.unpack_from("<I", prod, off)[0]
            if length & RINGBUF_BUSY_BIT:
                break
            n = length & ~(RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT)
            records.append({"len": n, "discarded": bool(length & RINGBUF_DISCARD_BIT),
                            "data": bytes(prod[off + RINGBUF_HDR_SZ:off + RINGBUF_HDR_SZ + n]).hex()})
            pos += (n + RINGBUF_HDR_SZ + 7) & ~7
    return records


original_dump_maps = ko.dump_maps


def dump_maps_with_ringbufs(P):
    out = original_dump_maps(P)
    for m in P.maps:
        if m.type == MAP_TYPE_RINGBUF and m.name in out:
            out[m.name]["records"] = ringbuf_records(m)
    return out


ko.build_from_elf = build_from_elf_remembering_path
ko.prepare = prepare_with_prog_arrays
ko.dump_maps = dump_maps_with_ringbufs

if __name__ == "__main__":
    sys.exit(ko.main())
