import BPFABI
public import PacketBuffer

// Running a tc or socket-filter program on a packet buffer, and the field semantics of its
// `struct __sk_buff` context: what the kernel's `bpf_convert_ctx_access()` (net/core/filter.c)
// turns each load and store into, computed from `SkBuffMetadata` (see
// /work/shared/reference/sk_buff_ctx.md, measured on 6.18).
//
//   r1 -> 192-byte context block (never read: every access was resolved into a context op)
//   regions (checked mode):  stack frames, packet [data - meta_len, tail)   (read-only for socket filters)
//   LD_ABS / LD_IND read from data, length = skb->len

extension Interpreter {
    /// Runs a program translated with a ``ProgramType`` on `skb`: r1 is the context, context loads
    /// and stores read and write `skb`'s fields, `data`/`data_end`/`data_meta` are real addresses
    /// into its buffer. In checked mode the program may access the stack and the packet bytes from
    /// `data_meta` to `data_end` (writable for tc programs, read-only for socket filters).
    ///
    /// - Note: `skb` must keep its geometry during the run except through the program itself.
    public func run(context skb: SkBuff) throws(Trap) -> RunResult {
        let data = skb.data
        let metaLength = Int(skb.metadata.pointee.metaLength)
        regions[0] = MemoryRegion(start: data - metaLength, byteCount: metaLength + skb.length,
                                  isWritable: packetIsWritable, name: "packet")
        var regionCount = 1 + mapRegionCount
        if let socket = skb.metadata.pointee.socket {
            // Reads through skb->sk (read-only, as the verifier allows).
            regions[regionCount] = MemoryRegion(start: socket, byteCount: SocketView.socketByteCount, isWritable: false,
                                                name: "socket")
            regionCount += 1
        }
        let packet = UnsafeRawBufferPointer(start: data, count: skb.length)
        return try withExtendedLifetime(skb) { () throws(Trap) -> RunResult in
            try run(arguments: (UInt64(UInt(bitPattern: contextBlock)), 0), regions: regionCount, packet: packet,
                    context: skb.metadata, controlBlock: skb.controlBlock, skb: skb)
        }
    }

    /// The address r1 holds in a context run (what helpers taking the context receive).
    public var contextAddress: UInt64 { UInt64(UInt(bitPattern: contextBlock)) }

    /// What `bpf_redirect` recorded in the last run (nil when it was not called, or refused).
    public var redirectRequest: RedirectRequest? { state.pointee.redirect }

    /// The value a context load produces: the field's kernel value, narrowed and sign-extended as
    /// the access asks. Outside the loop on purpose: rare next to packet loads, and a dozen cases.
    @inline(never)
    static func contextLoad(_ packed: UInt64, _ m: UnsafeMutablePointer<SkBuffMetadata>,
                            _ controlBlock: UnsafeMutableRawPointer) -> UInt64 {
        let operand = ContextOperand(packed: packed)
        let field = SkBuffContext.Field(rawValue: operand.fieldRawValue) ?? .padding
        var value: UInt64
        switch field {
        case .len: value = UInt64(UInt(bitPattern: m.pointee.tailOffset &- m.pointee.dataOffset))
        case .pktType: value = UInt64(m.pointee.packetType & 7)
        case .mark: value = UInt64(m.pointee.mark)
        case .queueMapping: value = UInt64(m.pointee.queueMapping)
        case .protocol: value = UInt64(m.pointee.protocolBigEndian)
        case .vlanPresent: value = m.pointee.vlanProtoBigEndian | m.pointee.vlanTCI != 0 ? 1 : 0
        case .vlanTCI: value = UInt64(m.pointee.vlanTCI)
        case .vlanProto: value = UInt64(m.pointee.vlanProtoBigEndian)
        case .priority: value = UInt64(m.pointee.priority)
        case .ingressIfindex: value = UInt64(m.pointee.ingressIfindex)
        case .ifindex: value = UInt64(m.pointee.ifindex)
        case .tcIndex: value = UInt64(m.pointee.tcIndex)
        case .cb:
            // Raw bytes of cb[], any width that stays inside it (checked at load time).
            let p = controlBlock + SkBuff.ControlBlockLayout.programData + operand.offsetInField
            value = switch operand.byteCount {
            case 1: UInt64(p.load(as: UInt8.self))
            case 2: UInt64(p.loadUnaligned(as: UInt16.self))
            case 4: UInt64(p.loadUnaligned(as: UInt32.self))
            default: p.loadUnaligned(as: UInt64.self)
            }
        case .hash: value = UInt64(m.pointee.hash)
        case .tcClassid: value = UInt64(controlBlock.loadUnaligned(fromByteOffset: SkBuff.ControlBlockLayout.tcClassID, as: UInt16.self))
        case .data: value = UInt64(UInt(bitPattern: m.pointee.head)) &+ UInt64(UInt(bitPattern: m.pointee.dataOffset))
        case .dataEnd: value = UInt64(UInt(bitPattern: m.pointee.head)) &+ UInt64(UInt(bitPattern: m.pointee.tailOffset))
        case .dataMeta:
            value = UInt64(UInt(bitPattern: m.pointee.head)) &+ UInt64(UInt(bitPattern: m.pointee.dataOffset))
                &- UInt64(m.pointee.metaLength)
        case .napiID: value = m.pointee.napiID >= 257 ? UInt64(m.pointee.napiID) : 0  // MIN_NAPI_ID
        case .tstamp: value = m.pointee.timestamp
        case .wireLen: value = UInt64(controlBlock.loadUnaligned(fromByteOffset: SkBuff.ControlBlockLayout.wireLength, as: UInt32.self))
        case .gsoSegs: value = UInt64(m.pointee.gsoSegments)
        case .gsoSize: value = UInt64(m.pointee.gsoSize)
        case .tstampType: value = UInt64(m.pointee.timestampType & 3)
        case .hwtstamp: value = m.pointee.hardwareTimestamp
        case .sk: value = UInt64(UInt(bitPattern: m.pointee.socket))  // NULL for a packet without one
        case .family, .remoteIP4, .localIP4, .remoteIP6, .localIP6, .remotePort, .localPort, .flowKeys, .padding:
            value = 0  // refused at load time for every supported program type
        }
        if operand.isNarrow {
            value = (value &>> operand.shift) & ((1 &<< UInt64(operand.byteCount * 8)) &- 1)
        }
        if operand.signExtends {
            let unused = UInt64(64 - operand.byteCount * 8)
            value = UInt64(bitPattern: Int64(bitPattern: value &<< unused) &>> unused)
        }
        return value
    }

    /// A context store: the field becomes `value` truncated to its kernel width, as
    /// `bpf_convert_ctx_access()` converts a tc program's store.
    @inline(never)
    static func contextStore(_ packed: UInt64, _ value: UInt64, _ m: UnsafeMutablePointer<SkBuffMetadata>,
                             _ controlBlock: UnsafeMutableRawPointer) {
        let operand = ContextOperand(packed: packed)
        switch SkBuffContext.Field(rawValue: operand.fieldRawValue) ?? .padding {
        case .mark: m.pointee.mark = UInt32(truncatingIfNeeded: value)
        case .priority: m.pointee.priority = UInt32(truncatingIfNeeded: value)
        case .tcIndex: m.pointee.tcIndex = UInt16(truncatingIfNeeded: value)
        case .tcClassid:
            controlBlock.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: SkBuff.ControlBlockLayout.tcClassID,
                                    as: UInt16.self)
        case .queueMapping:
            // NO_QUEUE_MAPPING (0xffff) and above leave the field alone; the kernel compares all 64 bits.
            if value < 0xffff { m.pointee.queueMapping = UInt16(truncatingIfNeeded: value) }
        case .tstamp:
            // A store clears the timestamp's clock bits before writing the time (filter.c, bpf_convert_tstamp_write).
            m.pointee.timestampType = 0
            m.pointee.timestamp = value
        case .cb:
            let p = controlBlock + SkBuff.ControlBlockLayout.programData + operand.offsetInField
            switch operand.byteCount {
            case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
            case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
            default: p.storeBytes(of: value, as: UInt64.self)
            }
        default: break  // refused at load time
        }
    }
}
