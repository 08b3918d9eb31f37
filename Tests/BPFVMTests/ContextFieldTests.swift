import Testing
import BPFABI
import BPFISA
import BPFVM
import PacketBuffer

/// Shared fixtures of the context tests: a filled SkBuff and a one-call runner.
enum ContextFixture {
    /// A 60-byte IPv4/ICMP frame: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, type 0x0800,
    /// protocol 1 at byte 23.
    static let icmpFrame: [UInt8] = {
        var frame = [UInt8](repeating: 0, count: 60)
        frame[0] = 2; frame[5] = 2; frame[6] = 2; frame[11] = 1
        frame[12] = 0x08; frame[13] = 0x00
        frame[14] = 0x45; frame[23] = 1
        return frame
    }()

    /// A buffer with every field the context exposes set to a recognisable value.
    static func filledBuffer(frame: [UInt8] = icmpFrame, metaLength: UInt8 = 4) -> SkBuff {
        let skb = SkBuff(capacity: 256, headroom: 64)
        frame.withUnsafeBytes { _ = skb.load($0, headroom: 64) }
        let m = skb.metadata
        m.pointee.mark = 0x1122_3344
        m.pointee.priority = 0x5566_7788
        m.pointee.protocolBigEndian = 0x0008
        m.pointee.packetType = 0x0b  // extra bits above the 3-bit pkt_type must not show
        m.pointee.queueMapping = 0x1234
        m.pointee.vlanProtoBigEndian = 0x0081
        m.pointee.vlanTCI = 0x0064
        m.pointee.ingressIfindex = 7
        m.pointee.ifindex = 3
        m.pointee.tcIndex = 0xabcd
        m.pointee.hash = 0xdead_beef
        m.pointee.napiID = 100
        m.pointee.timestamp = 0x1122_3344_5566_7788
        m.pointee.timestampType = 1
        m.pointee.hardwareTimestamp = 0x99
        m.pointee.gsoSegments = 2
        m.pointee.gsoSize = 1448
        m.pointee.metaLength = metaLength
        for i in 0..<5 { skb.setProgramControlBlockWord(i, UInt32(i + 1)) }
        skb.tcClassID = 0x4242
        skb.wireLength = 99
        return skb
    }

    static func program(_ source: String, type: ProgramType = .schedCls, mode: ExecutionMode = .checked,
                        helpers: HelperRegistry = HelperRegistry()) throws -> ExecutableProgram {
        try ExecutableProgram(Assembler.assemble(source, dialect: .llvm), helpers: helpers, mode: mode, programType: type)
    }

    static func run(_ source: String, on skb: SkBuff, type: ProgramType = .schedCls,
                    mode: ExecutionMode = .checked, helpers: HelperRegistry = HelperRegistry()) throws -> UInt64 {
        let interpreter = Interpreter(program: try program(source, type: type, mode: mode, helpers: helpers))
        return try interpreter.run(context: skb).returnValue
    }

    /// The load error `source` gets, or nil if it loads.
    static func loadError(_ source: String, type: ProgramType = .schedCls) throws -> LoadError? {
        let assembled = try Assembler.assemble(source, dialect: .llvm)
        do {
            _ = try ExecutableProgram(assembled, programType: type)
            return nil
        } catch {
            return error
        }
    }
}

/// Reads and writes of every `__sk_buff` field kind, against a buffer with known values, in both modes.
@Suite struct ContextFieldTests {
    struct Read: CustomStringConvertible, Sendable {
        var offset: Int, type: String, expected: UInt64, name: String
        var description: String { "\(name) \(type)@\(offset)" }
    }

    static let reads: [Read] = [
        Read(offset: 0, type: "u32", expected: 60, name: "len"),
        Read(offset: 4, type: "u32", expected: 3, name: "pkt_type & 7"),
        Read(offset: 8, type: "u32", expected: 0x1122_3344, name: "mark"),
        Read(offset: 9, type: "u8", expected: 0x33, name: "mark byte 1"),
        Read(offset: 10, type: "u16", expected: 0x1122, name: "mark upper half"),
        Read(offset: 12, type: "u32", expected: 0x1234, name: "queue_mapping"),
        Read(offset: 16, type: "u32", expected: 0x0008, name: "protocol"),
        Read(offset: 16, type: "u8", expected: 0x08, name: "protocol byte 0"),
        Read(offset: 17, type: "u8", expected: 0x00, name: "protocol byte 1"),
        Read(offset: 18, type: "u16", expected: 0x0008, name: "protocol upper half (kernel: no shift)"),
        Read(offset: 20, type: "u32", expected: 1, name: "vlan_present"),
        Read(offset: 24, type: "u32", expected: 0x64, name: "vlan_tci"),
        Read(offset: 28, type: "u32", expected: 0x0081, name: "vlan_proto"),
        Read(offset: 32, type: "u32", expected: 0x5566_7788, name: "priority"),
        Read(offset: 36, type: "u32", expected: 7, name: "ingress_ifindex"),
        Read(offset: 40, type: "u32", expected: 3, name: "ifindex"),
        Read(offset: 44, type: "u32", expected: 0xabcd, name: "tc_index"),
        Read(offset: 48, type: "u32", expected: 1, name: "cb[0]"),
        Read(offset: 64, type: "u32", expected: 5, name: "cb[4]"),
        Read(offset: 48, type: "u64", expected: 2 << 32 | 1, name: "cb[0..1]"),
        Read(offset: 56, type: "u64", expected: 4 << 32 | 3, name: "cb[2..3]"),
        Read(offset: 52, type: "u8", expected: 2, name: "cb[1] byte 0"),
        Read(offset: 54, type: "u16", expected: 0, name: "cb[1] upper half"),
        Read(offset: 68, type: "u32", expected: 0xdead_beef, name: "hash"),
        Read(offset: 70, type: "u16", expected: 0xdead, name: "hash upper half"),
        Read(offset: 72, type: "u32", expected: 0x4242, name: "tc_classid"),
        Read(offset: 84, type: "u32", expected: 0, name: "napi_id below 257"),
        Read(offset: 152, type: "u64", expected: 0x1122_3344_5566_7788, name: "tstamp"),
        Read(offset: 160, type: "u32", expected: 99, name: "wire_len"),
        Read(offset: 164, type: "u32", expected: 2, name: "gso_segs"),
        Read(offset: 168, type: "u64", expected: 0, name: "sk (NULL)"),
        Read(offset: 176, type: "u32", expected: 1448, name: "gso_size"),
        Read(offset: 180, type: "u8", expected: 1, name: "tstamp_type"),
        Read(offset: 184, type: "u64", expected: 0x99, name: "hwtstamp"),
    ]

    @Test(arguments: reads, [ExecutionMode.checked, .unchecked])
    func readsField(_ read: Read, mode: ExecutionMode) throws {
        let skb = ContextFixture.filledBuffer()
        let value = try ContextFixture.run("r0 = *(\(read.type) *)(r1 + \(read.offset))\nexit", on: skb, mode: mode)
        #expect(value == read.expected)
    }

    @Test func napiIDFromMinimumIsReported() throws {
        let skb = ContextFixture.filledBuffer()
        skb.metadata.pointee.napiID = 257
        #expect(try ContextFixture.run("r0 = *(u32 *)(r1 + 84)\nexit", on: skb) == 257)
    }

    @Test func vlanAbsentReadsZero() throws {
        let skb = ContextFixture.filledBuffer()
        skb.vlanTag = nil
        #expect(try ContextFixture.run("r0 = *(u32 *)(r1 + 20)\nexit", on: skb) == 0)
    }

    @Test func socketFilterReadsItsFields() throws {
        let skb = ContextFixture.filledBuffer()
        #expect(try ContextFixture.run("r0 = *(u32 *)(r1 + 8)\nexit", on: skb, type: .socketFilter) == 0x1122_3344)
        #expect(try ContextFixture.run("r0 = *(u32 *)(r1 + 0)\nexit", on: skb, type: .socketFilter) == 60)
    }

    @Test func signExtendingReadExtendsTheFieldValue() throws {
        let skb = ContextFixture.filledBuffer()
        skb.mark = 0x0000_80ff
        #expect(try ContextFixture.run("r0 = *(s8 *)(r1 + 8)\nexit", on: skb) == UInt64(bitPattern: -1))
        #expect(try ContextFixture.run("r0 = *(s16 *)(r1 + 8)\nexit", on: skb) == UInt64(bitPattern: Int64(Int16(bitPattern: 0x80ff))))
    }

    @Test(arguments: [ExecutionMode.checked, .unchecked])
    func writesTheWritableFields(mode: ExecutionMode) throws {
        let skb = ContextFixture.filledBuffer()
        let source = """
            w2 = 0x1234567
            *(u32 *)(r1 + 8) = r2
            *(u32 *)(r1 + 32) = 7
            r3 = 0x12345
            *(u32 *)(r1 + 44) = r3
            *(u32 *)(r1 + 72) = r3
            *(u32 *)(r1 + 12) = 5
            r4 = 0xffff
            *(u32 *)(r1 + 12) = r4
            *(u8 *)(r1 + 49) = 0xaa
            r5 = 0x1122334455667788 ll
            *(u64 *)(r1 + 56) = r5
            *(u64 *)(r1 + 152) = r5
            *(u16 *)(r1 + 66) = 0x7777
            r0 = 0
            exit
            """
        #expect(try ContextFixture.run(source, on: skb, mode: mode) == 0)
        #expect(skb.mark == 0x123_4567)
        #expect(skb.priority == 7)
        #expect(skb.tcIndex == 0x2345)
        #expect(skb.tcClassID == 0x2345)
        #expect(skb.queueMapping == 5)  // the 0xffff store is ignored (NO_QUEUE_MAPPING)
        #expect(skb.programControlBlockWord(0) == 0xaa01)
        #expect(skb.programControlBlockWord(1) == 2)
        #expect(skb.programControlBlockWord(2) == 0x5566_7788)
        #expect(skb.programControlBlockWord(3) == 0x1122_3344)
        #expect(skb.programControlBlockWord(4) == 0x7777_0005)
        #expect(skb.metadata.pointee.timestamp == 0x1122_3344_5566_7788)
        #expect(skb.metadata.pointee.timestampType == 0)  // a tstamp store clears the clock bits
        #expect(skb.wireLength == 99)  // cb stores stay inside cb[]
    }

    @Test func socketFilterWritesCb() throws {
        let skb = ContextFixture.filledBuffer()
        #expect(try ContextFixture.run("*(u32 *)(r1 + 64) = 9\nr0 = *(u32 *)(r1 + 64)\nexit", on: skb, type: .socketFilter) == 9)
        #expect(skb.programControlBlockWord(4) == 9)
    }
}
