import BPFISA

// Packet loads. With the origin at `data` (the kernel's), `ld [k]` is LD_ABS k and `ld [x + k]`
// LD_IND x, k: the interpreter reads them as the kernel's `bpf_skb_load_helper_*` do, ending the
// program with 0 outside the packet, and reading negative offsets in the SKF_NET_OFF/SKF_LL_OFF
// areas relative to the headers. Another origin adds its base (SKF_NET_OFF, SKF_LL_OFF) to k;
// offsets past that area's 1 MiB are outside any packet. A guard is emitted only where X's
// bound (ClassicValueBounds) does not prove the sum stays in range.

extension ClassicTranslator {
    /// Bytes an origin's area reaches (`SKF_NET_OFF` to `SKF_AD_OFF`... is 1 MiB less 4 KiB; the
    /// link-layer area is 1 MiB).
    static let originAreaByteCount: UInt64 = 0x10_0000

    mutating func emitPacketLoad(_ size: ClassicSize, k: UInt32, indexed: Bool, at pc: Int) {
        let base: UInt32
        let limit: UInt64  // offsets at or past this are outside the packet
        switch options.packetOrigin {
        case .data:
            base = 0
            // Linux reads negative offsets in its header areas; libpcap's offsets are unsigned.
            limit = options.semantics == .linux && !indexed ? UInt64(UInt32.max) + 1 : 0x8000_0000
        case .networkHeader:
            base = AncillaryField.networkHeaderBase
            limit = Self.networkAreaByteCount
        case .linkHeader:
            base = AncillaryField.linkHeaderBase
            limit = Self.originAreaByteCount
        }
        if !indexed {
            guard UInt64(k) < limit else {
                // Outside any packet: a load that always fails ends the program with 0, and unlike
                // a plain `return 0` leaves what follows reachable for the verifier.
                emit(EBPF.packetLoad(size, index: nil, imm: Self.offsetOutsideAnyPacket))
                return
            }
            emit(EBPF.packetLoad(size, index: nil, imm: Int32(bitPattern: base &+ k)))
            return
        }
        if options.packetOrigin == .data && options.semantics == .linux {
            emit(EBPF.packetLoad(size, index: EBPF.x, imm: Int32(bitPattern: k)))
            return
        }
        if bounds[pc].x + UInt64(k) < limit {
            emit(EBPF.packetLoad(size, index: EBPF.x, imm: Int32(bitPattern: base &+ k)))
            return
        }
        // r2 = X + k without wrapping; at or past the limit the filter rejects the packet.
        emit(EBPF.move32(EBPF.scratch, imm: k))
        emit(EBPF.alu64(.add, EBPF.scratch, EBPF.x))
        emit(EBPF.jump(.jle, EBPF.scratch, imm: UInt32(limit - 1)).with(offset: 2))
        emitReturnZero()
        emit(EBPF.packetLoad(size, index: EBPF.scratch, imm: Int32(bitPattern: base)))
    }

    /// An offset past every packet (packets are far shorter than 2 GiB).
    static let offsetOutsideAnyPacket = Int32.max

    /// The network-header area ends where the ancillary one starts (`SKF_AD_OFF`).
    static let networkAreaByteCount: UInt64 = UInt64(AncillaryField.ancillaryBase &- AncillaryField.networkHeaderBase)
}
