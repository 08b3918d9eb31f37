import BPFABI
import BPFISA
import Testing

/// The verdict table of /work/shared/reference/sk_buff_ctx.md, one row per uapi member.
///
/// Size specs: the digits are the access sizes accepted at the row's offset; `+` adds every narrower
/// listed size (1, 2) at each aligned offset inside the member's 4-byte element. 8-byte accesses are
/// only ever accepted at the row's offset. Everything not listed is refused. ST-immediate writes
/// follow the STX column (the doc: "accepted exactly where STX is").
private let documentedTable: [(name: String, offset: Int, byteCount: Int,
                               tcRead: String, tcWrite: String, sfRead: String, sfWrite: String)] = [
    ("len", 0, 4, "124+", "", "124+", ""),
    ("pkt_type", 4, 4, "124+", "", "124+", ""),
    ("mark", 8, 4, "124+", "4", "124+", ""),
    ("queue_mapping", 12, 4, "124+", "4", "124+", ""),
    ("protocol", 16, 4, "124+", "", "124+", ""),
    ("vlan_present", 20, 4, "124+", "", "124+", ""),
    ("vlan_tci", 24, 4, "124+", "", "124+", ""),
    ("vlan_proto", 28, 4, "124+", "", "124+", ""),
    ("priority", 32, 4, "124+", "4", "124+", ""),
    ("ingress_ifindex", 36, 4, "124+", "", "124+", ""),
    ("ifindex", 40, 4, "124+", "", "124+", ""),
    ("tc_index", 44, 4, "124+", "4", "124+", ""),
    ("cb[0]", 48, 4, "1248+", "1248+", "1248+", "1248+"),
    ("cb[1]", 52, 4, "124+", "124+", "124+", "124+"),
    ("cb[2]", 56, 4, "1248+", "1248+", "1248+", "1248+"),
    ("cb[3]", 60, 4, "124+", "124+", "124+", "124+"),
    ("cb[4]", 64, 4, "124+", "124+", "124+", "124+"),
    ("hash", 68, 4, "124+", "", "124+", ""),
    ("tc_classid", 72, 4, "124+", "4", "", ""),
    ("data", 76, 4, "4", "", "", ""),
    ("data_end", 80, 4, "4", "", "", ""),
    ("napi_id", 84, 4, "124+", "", "124+", ""),
    ("family", 88, 4, "", "", "", ""),
    ("remote_ip4", 92, 4, "", "", "", ""),
    ("local_ip4", 96, 4, "", "", "", ""),
    ("remote_ip6", 100, 16, "", "", "", ""),
    ("local_ip6", 116, 16, "", "", "", ""),
    ("remote_port", 132, 4, "", "", "", ""),
    ("local_port", 136, 4, "", "", "", ""),
    ("data_meta", 140, 4, "4", "", "", ""),
    ("flow_keys", 144, 8, "", "", "", ""),
    ("tstamp", 152, 8, "8", "8", "", ""),
    ("wire_len", 160, 4, "124+", "", "", ""),
    ("gso_segs", 164, 4, "124+", "", "124+", ""),
    ("sk", 168, 8, "8", "", "8", ""),
    ("gso_size", 176, 4, "124+", "", "124+", ""),
    ("tstamp_type", 180, 1, "1", "", "", ""),
    ("padding", 181, 3, "", "", "", ""),
    ("hwtstamp", 184, 8, "8", "", "", ""),
]

private struct Probe: Hashable, CustomStringConvertible {
    var offset: Int
    var size: Int
    var description: String { "off=\(offset) size=\(size)" }
}

/// Expands one size spec of a row into the (offset, size) pairs it accepts.
private func accepted(_ spec: String, offset: Int) -> Set<Probe> {
    let sizes = spec.compactMap { Int(String($0)) }
    var out = Set(sizes.map { Probe(offset: offset, size: $0) })
    if spec.hasSuffix("+") {
        for size in sizes where size < 4 {
            for inner in stride(from: 0, to: 4, by: size) { out.insert(Probe(offset: offset + inner, size: size)) }
        }
    }
    return out
}

private enum Column: CaseIterable { case read, stx, st }

private func expectedAccepted(_ type: ProgramType, _ column: Column) -> Set<Probe> {
    var all = Set<Probe>()
    for row in documentedTable {
        let spec = switch (type, column) {
        case (.socketFilter, .read): row.sfRead
        case (.socketFilter, _): row.sfWrite
        case (_, .read): row.tcRead
        default: row.tcWrite
        }
        all.formUnion(accepted(spec, offset: row.offset))
    }
    return all
}

@Suite struct ContextAccessTests {
    @Test func documentedTableCoversTheStructExactly() {
        var next = 0
        for row in documentedTable {
            #expect(row.offset == next, "\(row.name)")
            next = row.offset + row.byteCount
        }
        #expect(next == SkBuffContext.byteCount)
    }

    /// Every offset 0..<192 x size 1/2/4/8 x {LDX, STX, ST} for each `__sk_buff` program type:
    /// 2304 verdicts per type, compared with the documented table.
    @Test(arguments: ProgramType.allCases.filter(\.hasSkBuffContext))
    func everyAccessMatchesTheDocumentedTable(_ type: ProgramType) {
        var mismatches: [String] = []
        for column in Column.allCases {
            let expected = expectedAccepted(type, column)
            let kind: ContextAccessKind = switch column {
            case .read: .read
            case .stx: .write(storeImmediate: false)
            case .st: .write(storeImmediate: true)
            }
            for offset in 0..<SkBuffContext.byteCount {
                for size in AccessSize.allCases {
                    let probe = Probe(offset: offset, size: size.byteCount)
                    let result = contextAccess(programType: type, offset: offset, size: size, kind: kind)
                    let isAccepted = if case .success = result { true } else { false }
                    if isAccepted != expected.contains(probe) {
                        mismatches.append("\(type) \(column) \(probe): got \(isAccepted ? "accept" : "refuse")")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func acceptedCountsMatchTheMeasurement() {
        // The 6.18 probe: tc 170 reads and 43 writes, socket_filter 150 reads and 37 writes.
        func count(_ type: ProgramType, _ kind: ContextAccessKind) -> Int {
            var n = 0
            for offset in 0..<SkBuffContext.byteCount {
                for size in AccessSize.allCases {
                    let result = contextAccess(programType: type, offset: offset, size: size, kind: kind)
                    if case .success = result { n += 1 }
                }
            }
            return n
        }
        #expect(count(.schedCls, .read) == 170)
        #expect(count(.schedCls, .write(storeImmediate: false)) == 43)
        #expect(count(.schedAct, .write(storeImmediate: true)) == 43)
        #expect(count(.socketFilter, .read) == 150)
        #expect(count(.socketFilter, .write(storeImmediate: false)) == 37)
    }

    @Test func schedActSharesTheTcRules() {
        for offset in -8..<200 {
            for size in AccessSize.allCases {
                for kind in [ContextAccessKind.read, .write(storeImmediate: false)] {
                    let cls = contextAccess(programType: .schedCls, offset: offset, size: size, kind: kind)
                    let act = contextAccess(programType: .schedAct, offset: offset, size: size, kind: kind)
                    #expect((try? cls.get()) == (try? act.get()))
                }
            }
        }
    }

    @Test func refusalUsesTheKernelMessage() throws {
        let result = contextAccess(programType: .schedCls, offset: 76, size: .half, kind: .read)
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.description == "invalid bpf_context access off=76 size=2")
        #expect(error.reason == .sizeNotAllowed(.data, allowed: "4"))

        let negative = contextAccess(programType: .socketFilter, offset: -4, size: .word, kind: .read)
        guard case .failure(let e2) = negative else { Issue.record("accepted"); return }
        #expect(e2.description == "invalid bpf_context access off=-4 size=4")
        #expect(e2.reason == .outOfBounds)

        let write = contextAccess(programType: .socketFilter, offset: 8, size: .word,
                                  kind: .write(storeImmediate: false))
        guard case .failure(let e3) = write else { Issue.record("accepted"); return }
        #expect(e3.reason == .notWritable(.mark))
        #expect(e3.explanation == "socket_filter programs cannot write mark")
    }

    @Test func narrowReadsShiftAndMask() throws {
        // Byte 1 of mark is (mark >> 8) & 0xff on little-endian.
        let byte1 = try contextAccess(programType: .schedCls, offset: 9, size: .byte, kind: .read).get()
        #expect(byte1.field == .mark)
        #expect(byte1.offsetInField == 1)
        #expect(byte1.read == .narrow(shift: 8, mask: 0xff))
        #expect(byte1.read?.extract(from: 0x1122_3344) == 0x33)
        let upperHalf = try contextAccess(programType: .schedCls, offset: 10, size: .half, kind: .read).get()
        #expect(upperHalf.read?.extract(from: 0x1122_3344) == 0x1122)
        let full = try contextAccess(programType: .socketFilter, offset: 8, size: .word, kind: .read).get()
        #expect(full.read == .value)
        #expect(!full.isNarrowRead)
    }

    /// Measured on 6.18 through BPF_PROG_TEST_RUN: a narrow read at least as wide as the kernel's
    /// value is neither shifted nor masked.
    @Test func narrowReadsOfNarrowKernelValuesAreNotShifted() throws {
        // protocol (u16 in the kernel) = 0x0008: a 2-byte read at 18 returns 8, a 1-byte read at 17 returns 0.
        let protoHigh = try contextAccess(programType: .schedCls, offset: 18, size: .half, kind: .read).get()
        #expect(protoHigh.read == .value)
        #expect(protoHigh.read?.extract(from: 0x0008) == 0x0008)
        let protoByte1 = try contextAccess(programType: .schedCls, offset: 17, size: .byte, kind: .read).get()
        #expect(protoByte1.read?.extract(from: 0x0008) == 0)
        // pkt_type (u8): every byte of the field reads as pkt_type.
        for offset in 4...7 {
            let access = try contextAccess(programType: .socketFilter, offset: offset, size: .byte, kind: .read).get()
            #expect(access.read == .value)
        }
        // gso_segs (u16) = 0xabcd: byte 165 reads 0xab, bytes 166 as u16 read 0xabcd.
        let segs = try contextAccess(programType: .schedCls, offset: 165, size: .byte, kind: .read).get()
        #expect(segs.read?.extract(from: 0xabcd) == 0xab)
        let segsHigh = try contextAccess(programType: .schedCls, offset: 166, size: .half, kind: .read).get()
        #expect(segsHigh.read?.extract(from: 0xabcd) == 0xabcd)
        // wire_len (u32) = 0x102: the upper half reads 0.
        let wire = try contextAccess(programType: .schedCls, offset: 162, size: .half, kind: .read).get()
        #expect(wire.read?.extract(from: 0x102) == 0)
    }

    @Test func pointerFields() throws {
        let cases: [(Int, AccessSize, ContextPointer)] = [
            (76, .word, .packet), (80, .word, .packetEnd), (140, .word, .packetMeta),
            (168, .doubleWord, .sockCommonOrNull),
        ]
        for (offset, size, pointer) in cases {
            let access = try contextAccess(programType: .schedCls, offset: offset, size: size, kind: .read).get()
            #expect(access.pointer == pointer)
        }
        #expect(try contextAccess(programType: .socketFilter, offset: 168, size: .doubleWord, kind: .read).get().pointer
            == .sockCommonOrNull)
        #expect(ContextPointer.packetEnd.description == "pkt_end")
    }

    @Test func controlBufferIsRawBytes() throws {
        let wide = try contextAccess(programType: .socketFilter, offset: 56, size: .doubleWord,
                                     kind: .write(storeImmediate: true)).get()
        #expect(wide.field == .cb)
        #expect(wide.offsetInField == 8)
        #expect(wide.write == .bytes)
        #expect(wide.read == nil)
        let byte = try contextAccess(programType: .schedCls, offset: 67, size: .byte, kind: .read).get()
        #expect(byte.read == .bytes)
        #expect(byte.offsetInField == 19)
        let pastEnd = contextAccess(programType: .schedCls, offset: 64, size: .doubleWord, kind: .read)
        #expect(throws: ContextAccessError.self) { try pastEnd.get() }
    }

    @Test func writesTruncateToTheKernelValue() throws {
        func write(_ offset: Int, _ size: AccessSize = .word) throws -> ContextWrite? {
            let kind = ContextAccessKind.write(storeImmediate: false)
            return try contextAccess(programType: .schedCls, offset: offset, size: size, kind: kind).get().write
        }
        #expect(try write(8) == .value(byteCount: 4))          // mark
        #expect(try write(32) == .value(byteCount: 4))         // priority
        #expect(try write(44) == .value(byteCount: 2))         // tc_index
        #expect(try write(72) == .value(byteCount: 2))         // tc_classid
        #expect(try write(12) == .queueMapping)
        #expect(try write(152, .doubleWord) == .value(byteCount: 8))  // tstamp
    }

    @Test func tstampTypeIsAOneByteTcRead() throws {
        let access = try contextAccess(programType: .schedCls, offset: 180, size: .byte, kind: .read).get()
        #expect(access.field == .tstampType)
        #expect(access.read == .value)
        #expect(throws: ContextAccessError.self) {
            try contextAccess(programType: .socketFilter, offset: 180, size: .byte, kind: .read).get()
        }
    }
}
